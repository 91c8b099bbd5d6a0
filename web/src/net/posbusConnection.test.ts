import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PosbusConnection, posbusUrl, type ConnectionStatus } from "./posbusConnection";
import { decode, encode, type PosbusMessage } from "../posbus";

class FakeSocket {
  static instances: FakeSocket[] = [];
  binaryType = "blob";
  readyState = 0;
  sent: PosbusMessage[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.instances.push(this);
  }
  send(frame: Uint8Array): void {
    this.sent.push(decode(frame));
  }
  close(): void {
    this.readyState = 3;
  }
  // test helpers
  open(): void {
    this.readyState = 1;
    this.onopen?.();
  }
  drop(): void {
    this.readyState = 3;
    this.onclose?.();
  }
  receive(m: PosbusMessage): void {
    const frame = encode(m);
    this.onmessage?.({ data: frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength) });
  }
}

const USER = "11111111-1111-4111-8111-111111111111";
const WORLD = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";

/** A connection over a fake socket that teleports to WORLD, recording what it reports. */
function connect(token: () => string = () => "T1") {
  const statuses: ConnectionStatus[] = [];
  const messages: PosbusMessage[] = [];
  const c = new PosbusConnection({
    url: "ws://n/posbus",
    token,
    userId: USER,
    onMessage: (m) => messages.push(m),
    onStatus: (s) => statuses.push(s),
    backoff: [100, 200],
    WebSocketImpl: FakeSocket as unknown as typeof WebSocket,
  });
  c.connect();
  c.teleport(WORLD);
  return { c, statuses, messages };
}

describe("PosbusConnection", () => {
  beforeEach(() => {
    FakeSocket.instances = [];
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it("hands shakes, then teleports, and decodes what arrives", () => {
    const { c, statuses, messages } = connect();
    const socket = FakeSocket.instances[0]!;
    expect(socket.url).toBe("ws://n/posbus");
    socket.open();
    expect(socket.sent.map((m) => m.type)).toEqual(["hand_shake", "teleport_request"]);
    const hs = socket.sent[0]!;
    expect(hs.type === "hand_shake" && hs.value.token).toBe("T1");
    expect(hs.type === "hand_shake" && hs.value.session_id).toBe(c.sessionId);
    socket.receive({ type: "signal", value: { value: 9 } });
    expect(messages).toEqual([{ type: "signal", value: { value: 9 } }]);
    expect(statuses).toEqual(["connecting", "open"]);
    expect(c.send({ type: "lock_object", value: { id: WORLD } })).toBe(true);
  });

  it("reconnects with backoff, the same session, a fresh token and the last world", () => {
    let token = "T1";
    const { c, statuses } = connect(() => token);
    FakeSocket.instances[0]!.open();
    token = "T2";
    FakeSocket.instances[0]!.drop();
    expect(c.status).toBe("reconnecting");
    expect(c.send({ type: "lock_object", value: { id: WORLD } })).toBe(false);
    vi.advanceTimersByTime(99);
    expect(FakeSocket.instances).toHaveLength(1);
    vi.advanceTimersByTime(1);
    const second = FakeSocket.instances[1]!;
    second.drop(); // fails again: the next wait is longer
    vi.advanceTimersByTime(150);
    expect(FakeSocket.instances).toHaveLength(2);
    vi.advanceTimersByTime(50);
    const third = FakeSocket.instances[2]!;
    third.open();
    const hs = third.sent[0]!;
    expect(hs.type === "hand_shake" && hs.value.token).toBe("T2");
    expect(hs.type === "hand_shake" && hs.value.session_id).toBe(c.sessionId);
    expect(third.sent[1]).toEqual({ type: "teleport_request", value: { target: WORLD } });
    expect(statuses).toEqual(["connecting", "open", "reconnecting", "open"]);
  });

  it("a closed connection stays closed and leaves the world first", () => {
    const { c } = connect();
    const socket = FakeSocket.instances[0]!;
    socket.open();
    c.leaveWorld();
    expect(socket.sent.at(-1)).toEqual({ type: "signal", value: { value: 5 } });
    c.close();
    expect(c.status).toBe("closed");
    vi.advanceTimersByTime(10_000);
    expect(FakeSocket.instances).toHaveLength(1);
  });

  it("builds the URL from the page origin", () => {
    expect(posbusUrl("https://node.example")).toBe("wss://node.example/posbus");
    expect(posbusUrl("http://127.0.0.1:4000")).toBe("ws://127.0.0.1:4000/posbus");
  });
});
