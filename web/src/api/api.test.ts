import { afterEach, describe, expect, it, vi } from "vitest";
import { Api } from "./api";
import { ApiError, HttpClient, buildQuery, describeError } from "./http";
import { MediaUrls, resolveRenderBase } from "./media";

afterEach(() => vi.unstubAllGlobals());

function respond(status: number, body: unknown): Response {
  return new Response(body === undefined ? "" : JSON.stringify(body), { status });
}

describe("HttpClient", () => {
  it("sends the bearer token and JSON body", async () => {
    const fetchMock = vi.fn(async (_url: string, _init: RequestInit) => respond(200, { ok: true }));
    vi.stubGlobal("fetch", fetchMock);
    const http = new HttpClient("http://n/api/v4", 1);
    http.token = "T";
    await expect(http.request("POST", "/x", { body: { a: 1 }, query: { q: "a b", ids: ["1", "2"] } })).resolves.toEqual({ ok: true });
    const [url, init] = fetchMock.mock.calls[0] ?? [];
    expect(url).toBe("http://n/api/v4/x?q=a+b&ids=1&ids=2");
    expect((init?.headers as Record<string, string>).Authorization).toBe("Bearer T");
    expect(init?.body).toBe('{"a":1}');
  });

  it("asks for the refresh cookie and never sends a refresh token it does not have", async () => {
    const fetchMock = vi.fn(async (_url: string, _init: RequestInit) => respond(200, { token: "A", expiresIn: 900 }));
    vi.stubGlobal("fetch", fetchMock);
    const api = new Api("http://n");
    await api.refreshTokens();
    await api.guestToken();
    for (const [, init] of fetchMock.mock.calls) {
      expect((init.headers as Record<string, string>)["X-Odyssey-Auth"]).toBe("cookie");
    }
    expect(fetchMock.mock.calls[0]?.[1].body).toBe("{}");
    await api.refreshTokens("legacy");
    expect(fetchMock.mock.calls[2]?.[1].body).toBe('{"refreshToken":"legacy"}');
  });

  it("parses the error body and calls onUnauthorized on 401", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => respond(401, { error: { reason: "failed_to_verify_access_token", message: "bad" } })));
    const http = new HttpClient("http://n", 1);
    const onUnauthorized = vi.fn();
    http.onUnauthorized = onUnauthorized;
    const err = await http.request("GET", "/me").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).reason).toBe("failed_to_verify_access_token");
    expect(onUnauthorized).toHaveBeenCalledOnce();
  });

  it("retries GETs on 5xx and network errors, not POSTs", async () => {
    let n = 0;
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => {
        n += 1;
        if (n === 1) throw new TypeError("offline");
        if (n === 2) return respond(503, null);
        return respond(200, [1]);
      }),
    );
    const http = new HttpClient("http://n", 1);
    await expect(http.request("GET", "/worlds")).resolves.toEqual([1]);
    expect(n).toBe(3);
    n = 0;
    await expect(http.request("POST", "/objects")).rejects.toMatchObject({ status: 0, offline: true });
  });

  it("describes errors for people", () => {
    expect(describeError(new ApiError(0, "network_error", "x"))).toMatch(/cannot be reached/);
    expect(describeError(new ApiError(403, "not_admin", "x"))).toMatch(/not allowed/);
    expect(describeError(new ApiError(400, "invalid", "Name is taken"))).toBe("Name is taken");
    expect(buildQuery({ a: undefined })).toBe("");
  });
});

describe("media URLs", () => {
  it("builds render URLs", () => {
    const m = new MediaUrls("http://n/api/v4/media/render");
    expect(m.asset("8950b866-05a9-9f44-753f-3ec2d9e7c3b1")).toBe("http://n/api/v4/media/render/asset/8950b86605a99f44753f3ec2d9e7c3b1");
    expect(m.texture("abc", "s8")).toBe("http://n/api/v4/media/render/texture/s8/abc");
    expect(m.texture("")).toBeNull();
  });

  it("keeps loopback render URLs same-origin", () => {
    expect(resolveRenderBase("http://127.0.0.1:4000/api/v4/media/render", "http://localhost:4000", "x")).toBe(
      "http://localhost:4000/api/v4/media/render",
    );
    expect(resolveRenderBase("https://media.example/api/v4/media/render/", "https://node.example", "x")).toBe(
      "https://media.example/api/v4/media/render",
    );
    expect(resolveRenderBase(undefined, "http://a", "http://a/api/v4")).toBe("http://a/api/v4/media/render");
  });
});

describe("token renewal", () => {
  it("renews once on a 401 and replays the request", async () => {
    let calls = 0;
    vi.stubGlobal(
      "fetch",
      vi.fn(async (_url: string, init: RequestInit) => {
        calls += 1;
        const auth = (init.headers as Record<string, string>).Authorization;
        return auth === "Bearer fresh" ? respond(200, { ok: 1 }) : respond(401, { error: { reason: "expired", message: "x" } });
      }),
    );
    const http = new HttpClient("http://n", 1);
    http.token = "stale";
    const refresh = vi.fn(async () => {
      http.token = "fresh";
      return true;
    });
    http.refresh = refresh;
    const [a, b] = await Promise.all([http.request("GET", "/a"), http.request("GET", "/b")]);
    expect(a).toEqual({ ok: 1 });
    expect(b).toEqual({ ok: 1 });
    expect(refresh).toHaveBeenCalledOnce();
    expect(calls).toBe(4);
  });

  it("gives up and signs out when renewal fails", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => respond(401, null)));
    const http = new HttpClient("http://n", 1);
    http.token = "stale";
    http.refresh = async () => false;
    const onUnauthorized = vi.fn();
    http.onUnauthorized = onUnauthorized;
    await expect(http.request("GET", "/a")).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).toHaveBeenCalledOnce();
  });
});
