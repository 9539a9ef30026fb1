/**
 * Sizes, rates and durations for people: 1.2 MB, 16 KiB/s, 35 ms, 1.2 s. Decimal units for sizes, as file
 * managers show them, so "1.2 MB" matches what a user sees elsewhere.
 */

export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

/** A size to compare with another: rounded, 1025 B and 1024 B would both read 1.0 kB; so the bytes follow. */
export function exactBytes(bytes: number): string {
  return bytes < 1000 ? `${bytes} B` : `${formatBytes(bytes)} (${bytes.toLocaleString('en-US')} bytes)`;
}

export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(Math.round(bytesPerSecond))}/s`;
}

/** 1234567 → "1,234,567", for exact byte counts. */
export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}

/** 35 → "35 ms", 1234 → "1.2 s", 75000 → "1m 15s": as precise as a person reads a duration. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, '0')}s`;
}
