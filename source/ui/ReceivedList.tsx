/**
 * What is in received/: names, sizes and SHA-256 digests, to compare with the
 * server's files. Each passed the size, digest and signature checks when it was
 * saved, but not all under a verified certificate (verification off, --insecure),
 * so the list does not call them verified, and marks those this dashboard saved
 * without verifying the server: an attacker's file passes those checks too.
 */
import { Box, Text } from 'ink';
import { listedName } from '../protocol/printable.js';
import { formatBytes } from '../protocol/units.js';
import { cellWidth } from '../text/cells.js';
import type { ReceivedView } from './dashboard-state.js';
import { listWindow } from './list-window.js';

export interface ReceivedListProps {
  readonly entries: readonly ReceivedView[];
  readonly cursor: number;
  readonly focused: boolean;
  readonly rows: number;
  readonly width: number;
  /** The selected file's whole digest on a line under it (Enter). */
  readonly wholeDigest?: boolean;
}

/** Where the digest starts: the marker, the size in nine columns, and the gaps. */
const DIGEST_COLUMN = 13;
const DIGEST_HEX = 64;
/** The least of a digest the list shows, and the most of a name it keeps room for beside the whole digest. */
const DIGEST_PREFIX = 12;
const NAME_ROOM = 32;

/** What marks a file saved from a server that was not verified. */
const UNVERIFIED = '⚠ unverified';

function nameColumn(entry: ReceivedView): string {
  return entry.unverified ? `${listedName(entry.name)}  ${UNVERIFIED}` : listedName(entry.name);
}

export function ReceivedList({ entries, cursor, focused, rows, width, wholeDigest = false }: ReceivedListProps) {
  const selectedDigest = wholeDigest ? entries[cursor]?.sha256 : undefined;
  const { start, end } = listWindow(entries.length, cursor, rows - 1 - (selectedDigest === undefined ? 0 : 1));
  // As much of each digest as leaves the names room: all of it on a wide screen, to check against sha256sum.
  const longestName = Math.min(NAME_ROOM, Math.max(0, ...entries.map((entry) => cellWidth(nameColumn(entry)))));
  const anyUnverified = entries.some((entry) => entry.unverified);
  const room = width - DIGEST_COLUMN - 2 - longestName;
  const whole = room >= DIGEST_HEX;
  // A cut digest ends in "…", which takes a column of its own.
  const shown = whole ? DIGEST_HEX : Math.max(DIGEST_PREFIX, room - 1);
  const digest = (sha256: string | undefined): string => {
    if (sha256 === undefined) return '…'.padEnd(whole ? DIGEST_HEX : shown + 1);
    return whole ? sha256 : `${sha256.slice(0, shown)}…`;
  };
  return (
    <Box flexDirection="column">
      <Text dimColor wrap="truncate-end">{`received/: ${entries.length} file${entries.length === 1 ? '' : 's'}${anyUnverified ? `  ${UNVERIFIED}: saved with verification off, sender unknown` : ''}`}</Text>
      {entries.slice(start, end).map((entry, offset) => {
        const selected = start + offset === cursor;
        return (
          <Box key={entry.name} flexDirection="column">
            <Text wrap="truncate-end" inverse={selected && focused}>
              {`${selected ? '›' : ' '} ${formatBytes(entry.size).padStart(9)}  ${digest(entry.sha256)}  ${nameColumn(entry)}`}
            </Text>
            {selected && selectedDigest !== undefined ? <Text wrap="truncate-end">{`  SHA-256 ${selectedDigest}`}</Text> : null}
          </Box>
        );
      })}
    </Box>
  );
}
