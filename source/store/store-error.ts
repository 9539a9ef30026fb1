/** A store folder, or a file in it, that is not what it should be: said to the user as it is, without a stack. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
}

/** The store folder itself cannot be read (not a folder, no permission): a local problem, not a bad id. */
export class StoreFolderError extends StoreError {}
