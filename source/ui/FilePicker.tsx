/**
 * The server's public files with their sizes; the cursor picks one to fetch.
 */
import { Box, Text } from 'ink';
import type { PublicFileEntry } from '../files/public-folder.js';
import { listedName } from '../protocol/printable.js';
import { formatBytes } from '../protocol/units.js';
import { shortenMiddle } from '../text/cells.js';
import { listWindow } from './list-window.js';

/** Where a name starts: the marker, the size in nine columns, and the gaps. */
const NAME_COLUMN = 13;

export interface FilePickerProps {
  readonly files: readonly PublicFileEntry[];
  /** The public folder, when it could not be listed. */
  readonly missing?: string | undefined;
  readonly cursor: number;
  readonly focused: boolean;
  readonly filter: string;
  readonly rows: number;
  readonly width: number;
}

export function FilePicker({ files, missing, cursor, focused, filter, rows, width }: FilePickerProps) {
  const heading = filter ? `public/ matching "${filter}": ${files.length}` : `public/: ${files.length} file${files.length === 1 ? '' : 's'}`;
  const { start, end } = listWindow(files.length, cursor, rows - 1);
  return (
    <Box flexDirection="column">
      <Text dimColor wrap="truncate-end">{heading}</Text>
      {files.length === 0 ? <Text dimColor wrap="wrap">{filter ? 'no file matches; Esc clears the filter' : missing !== undefined ? `${missing} does not exist or is not a folder: nothing to serve (--public DIR names another)` : 'the public folder is empty'}</Text> : null}
      {files.slice(start, end).map((file, offset) => {
        const index = start + offset;
        const size = formatBytes(file.size).padStart(9);
        const selected = index === cursor;
        return (
          <Text key={file.name} wrap="truncate-end" inverse={selected && focused} bold={selected}>
            {`${selected ? '›' : ' '} ${size}  ${shortenMiddle(listedName(file.name), width - NAME_COLUMN)}`}
          </Text>
        );
      })}
    </Box>
  );
}
