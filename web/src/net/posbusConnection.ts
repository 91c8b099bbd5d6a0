/**
 * The posbus WebSocket: handshake, teleport, reconnect with backoff (same session id, teleport
 * re-sent for the last world), and a status the UI shows ("connecting", "reconnecting"...).
 */
import { decode, encode, PosbusDecodeError, SignalType, type PosbusMessage } from "../posbus";
import { randomUuid } from "../lib/ids";

/** WebSocket.OPEN (a constant, so this module also loads where WebSocket is not global). */
const OPEN = 1;

export type ConnectionStatus = "idle" | "connecting" | "open" | "reconnecting" | "closed";

export interface PosbusOptions {
  url: string;
  /** The access token, read on every (re)connection: it may have been renewed meanwhile. */
  token: string | (() => string);
  userId: string;
  onMessage: (message: PosbusMessage) => void;
  onStatus: (status: ConnectionStatus) => void;
  /** Backoff schedule in ms; the last value repeats. */
  backoff?: number[];
  WebSocketImpl?: typeof WebSocket;
}

export function posbusUrl(origin: string): string {
  return `${origin.replace(/^http/, "ws")}/posbus`;
}

export class PosbusConnection {
  readonly sessionId = randomUuid();
  status: ConnectionStatus = "idle";
  private socket: WebSocket | null = null;
  private world: string | null = null;
  private attempts = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  /** Frames sent while not connected that must survive (teleport is re-sent anyway). */
  private readonly onlineListener = (): void => this.reconnectNow();

  constructor(private readonly options: PosbusOptions) {}

  connect(): void {
    this.stopped = false;
    if (typeof window !== "undefined") window.addEventListener("online", this.onlineListener);
    this.open();
  }

  /** Enter a world; remembered and re-sent after every reconnect. */
  teleport(worldId: string): void {
    this.world = worldId;
    this.send({ type: "teleport_request", value: { target: worldId } });
  }

  leaveWorld(): void {
    this.world = null;
    this.send({ type: "signal", value: { value: SignalType.LeaveWorld } });
  }

  send(message: PosbusMessage): boolean {
    if (this.socket?.readyState !== OPEN || this.status !== "open") return false;
    this.socket.send(encode(message));
    return true;
  }

  close(): void {
    this.stopped = true;
    if (typeof window !== "undefined") window.removeEventListener("online", this.onlineListener);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onclose = null;
      socket.onmessage = null;
      socket.onerror = null;
      socket.close(1000);
    }
    this.setStatus("closed");
  }

  /** Drop the socket as if the network failed (tests and the "reconnect now" button). */
  reconnectNow(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.status === "open" || this.status === "connecting") return;
    this.attempts = 0;
    this.open();
  }

  private setStatus(status: ConnectionStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.options.onStatus(status);
  }

  private open(): void {
    const Impl = this.options.WebSocketImpl ?? WebSocket;
    this.setStatus(this.attempts === 0 && this.status !== "reconnecting" ? "connecting" : "reconnecting");
    let socket: WebSocket;
    try {
      socket = new Impl(this.options.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    socket.binaryType = "arraybuffer";
    this.socket = socket;
    socket.onopen = () => {
      socket.send(
        encode({
          type: "hand_shake",
          value: {
            handshake_version: 1,
            protocol_version: 1,
            token: typeof this.options.token === "function" ? this.options.token() : this.options.token,
            user_id: this.options.userId,
            session_id: this.sessionId,
          },
        }),
      );
      this.attempts = 0;
      this.setStatus("open");
      if (this.world) this.send({ type: "teleport_request", value: { target: this.world } });
    };
    socket.onmessage = (event: MessageEvent) => {
      if (!(event.data instanceof ArrayBuffer)) return;
      let message: PosbusMessage;
      try {
        message = decode(new Uint8Array(event.data));
      } catch (error) {
        if (error instanceof PosbusDecodeError) {
          console.warn("posbus: undecodable frame", error.message);
          return;
        }
        throw error;
      }
      this.options.onMessage(message);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.stopped) return;
      this.scheduleReconnect();
    };
    socket.onerror = () => {
      /* onclose follows */
    };
  }

  private scheduleReconnect(): void {
    this.setStatus("reconnecting");
    const schedule = this.options.backoff ?? [500, 1000, 2000, 4000, 8000];
    const delay = schedule[Math.min(this.attempts, schedule.length - 1)] ?? 1000;
    this.attempts += 1;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.stopped) this.open();
    }, delay);
  }
}
