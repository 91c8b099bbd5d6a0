/** The REST client: base URL discovery, bearer token, retries, typed errors. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** A network failure (no HTTP response at all). */
  get offline(): boolean {
    return this.status === 0;
  }
}

export type Query = Record<string, string | number | boolean | string[] | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  form?: FormData;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** Retries for idempotent requests on network errors and 5xx (default 2 for GET, 0 otherwise). */
  retries?: number;
  signal?: AbortSignal;
  onUploadProgress?: (fraction: number) => void;
}

export function buildQuery(query: Query | undefined): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, v);
    else params.append(key, String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : "";
}

/** Turn any error body into a human sentence. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.offline) return "The node cannot be reached. Check your connection.";
    if (error.status === 401) return "Your session has expired. Please sign in again.";
    if (error.status === 403) return "You are not allowed to do that.";
    if (error.status === 404) return "Not found.";
    return error.message || `Request failed (${error.status}).`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class HttpClient {
  token: string | null = null;
  onUnauthorized: (() => void) | null = null;
  /** Renews the access token after a 401 (refresh token); resolves true when it did. */
  refresh: (() => Promise<boolean>) | null = null;
  private refreshing: Promise<boolean> | null = null;

  constructor(
    public base: string,
    private readonly retryDelayMs = 400,
  ) {}

  /** One refresh at a time, shared by every request that hit a 401 meanwhile. */
  renew(): Promise<boolean> {
    if (!this.refresh) return Promise.resolve(false);
    this.refreshing ??= this.refresh()
      .catch(() => false)
      .finally(() => {
        this.refreshing = null;
      });
    return this.refreshing;
  }

  url(path: string, query?: Query): string {
    return `${this.base}${path}${buildQuery(query)}`;
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const retries = options.retries ?? (method === "GET" ? 2 : 0);
    let renewed = false;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once<T>(method, path, options);
      } catch (error) {
        if (error instanceof ApiError && error.status === 401 && !renewed && this.token && this.refresh) {
          renewed = true;
          if (await this.renew()) {
            attempt -= 1;
            continue;
          }
          this.onUnauthorized?.();
          throw error;
        }
        const retryable = error instanceof ApiError && (error.status === 0 || error.status >= 500);
        if (!retryable || attempt >= retries || options.signal?.aborted) throw error;
        await sleep(this.retryDelayMs * 2 ** attempt);
      }
    }
  }

  private async once<T>(method: string, path: string, options: RequestOptions): Promise<T> {
    if (options.form && options.onUploadProgress) return this.xhr<T>(method, path, options);
    const headers: Record<string, string> = { ...options.headers };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    let body: BodyInit | undefined;
    if (options.form) body = options.form;
    else if (options.body !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(options.body);
    }
    let response: Response;
    try {
      response = await fetch(this.url(path, options.query), { method, headers, body, signal: options.signal });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      throw new ApiError(0, "network_error", error instanceof Error ? error.message : "network error");
    }
    const text = await response.text();
    return this.finish<T>(response.status, text);
  }

  private xhr<T>(method: string, path: string, options: RequestOptions): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const req = new XMLHttpRequest();
      req.open(method, this.url(path, options.query));
      for (const [name, value] of Object.entries(options.headers ?? {})) req.setRequestHeader(name, value);
      if (this.token) req.setRequestHeader("Authorization", `Bearer ${this.token}`);
      req.upload.onprogress = (e) => {
        if (e.lengthComputable) options.onUploadProgress?.(e.loaded / e.total);
      };
      req.onerror = () => reject(new ApiError(0, "network_error", "network error"));
      req.onload = () => {
        try {
          resolve(this.finish<T>(req.status, req.responseText));
        } catch (error) {
          reject(error as Error);
        }
      };
      req.send(options.form ?? null);
    });
  }

  private finish<T>(status: number, text: string): T {
    let data: unknown = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = text;
      }
    }
    if (status >= 200 && status < 300) return data as T;
    if (status === 401 && !this.refresh) this.onUnauthorized?.();
    const err = (data as { error?: { reason?: string; message?: string }; detail?: unknown } | null) ?? null;
    const reason = err?.error?.reason ?? `http_${status}`;
    const detail = typeof err?.detail === "string" ? err.detail : undefined;
    const message = err?.error?.message ?? detail ?? (typeof data === "string" ? data : `HTTP ${status}`);
    throw new ApiError(status, reason, message);
  }
}
