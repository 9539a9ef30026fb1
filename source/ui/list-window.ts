/**
 * Which slice of a long list fits in a few rows and keeps the cursor in view.
 */
export function listWindow(length: number, cursor: number, rows: number): { readonly start: number; readonly end: number } {
  if (length <= rows) return { start: 0, end: length };
  const start = Math.max(0, Math.min(cursor - Math.floor(rows / 2), length - rows));
  return { start, end: start + rows };
}

/** The same for items of different heights: which items fit in `rows` rows, the cursor's among them. */
export function listWindowByHeights(heights: readonly number[], cursor: number, rows: number): { readonly start: number; readonly end: number } {
  const total = heights.reduce((sum, height) => sum + height, 0);
  if (total <= rows || heights.length === 0) return { start: 0, end: heights.length };
  const at = Math.max(0, Math.min(cursor, heights.length - 1));
  let start = at;
  let end = at + 1;
  let used = heights[at]!;
  // Some items above the cursor, up to half the rows; then below it; then above again with what is left.
  while (start > 0 && used - heights[at]! + heights[start - 1]! <= Math.floor(rows / 2) && used + heights[start - 1]! <= rows) used += heights[--start]!;
  while (end < heights.length && used + heights[end]! <= rows) used += heights[end++]!;
  while (start > 0 && used + heights[start - 1]! <= rows) used += heights[--start]!;
  return { start, end };
}
