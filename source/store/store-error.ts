/** A store folder, or a file in it, that is not what it should be: said to the user as it is, without a stack. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
}
