/** Wallet address helpers: EIP-55 checksums and SS58 (Polkadot) → 0x public key. */
import { keccak_256 } from "@noble/hashes/sha3.js";

const hex = (bytes: Uint8Array): string => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");

export function toChecksumAddress(address: string): string {
  const lower = address.toLowerCase().replace(/^0x/, "");
  if (!/^[0-9a-f]{40}$/.test(lower)) throw new Error(`not an Ethereum address: ${address}`);
  const hash = hex(keccak_256(new TextEncoder().encode(lower)));
  let out = "0x";
  for (let i = 0; i < 40; i++) {
    const c = lower[i] ?? "";
    out += parseInt(hash[i] ?? "0", 16) >= 8 ? c.toUpperCase() : c;
  }
  return out;
}

const B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

export function base58Decode(input: string): Uint8Array {
  let n = 0n;
  for (const ch of input) {
    const v = B58.indexOf(ch);
    if (v < 0) throw new Error("invalid base58");
    n = n * 58n + BigInt(v);
  }
  const bytes: number[] = [];
  while (n > 0n) {
    bytes.unshift(Number(n & 255n));
    n >>= 8n;
  }
  for (const ch of input) {
    if (ch !== "1") break;
    bytes.unshift(0);
  }
  return new Uint8Array(bytes);
}

/** SS58 address → "0x" + the 32-byte public key in hex (what the node expects as `wallet`). */
export function ss58ToPublicKeyHex(address: string): string {
  if (/^0x[0-9a-fA-F]{64}$/.test(address)) return address.toLowerCase();
  const raw = base58Decode(address);
  // One-byte prefix for network ids < 64, two bytes otherwise; 2 checksum bytes at the end.
  const prefixLen = ((raw[0] ?? 0) & 0x40) !== 0 ? 2 : 1;
  const key = raw.slice(prefixLen, prefixLen + 32);
  if (key.length !== 32 || raw.length !== prefixLen + 34) throw new Error("not an SS58 address");
  return `0x${hex(key)}`;
}

export function utf8ToHex(text: string): string {
  return `0x${hex(new TextEncoder().encode(text))}`;
}

export function shortAddress(address: string): string {
  return address.length > 14 ? `${address.slice(0, 6)}…${address.slice(-4)}` : address;
}
