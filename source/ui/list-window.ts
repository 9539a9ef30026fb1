/**
 * Which slice of a long list fits in a few rows and keeps the cursor in view.
 */
export function listWindow(length: number, cursor: number, rows: number): { readonly start: number; readonly end: number } {
  if (length <= rows) return { start: 0, end: length };
  const start = Math.max(0, Math.min(cursor - Math.floor(rows / 2), length - rows));
  return { start, end: start + rows };
}
