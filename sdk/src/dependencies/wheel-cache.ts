import { isWheelFileName } from '../job/paths.js';
import { HashedFolderCache, type CachedFile } from './hashed-folder-cache.js';

/** One wheel on the requester's disk, ready to pack. */
export type LocalWheel = CachedFile;

/** Wheels fetched before, by a hash of the request (see HashedFolderCache). */
export class WheelCache extends HashedFolderCache {
  constructor(dir: string) {
    super(dir, isWheelFileName, 'wheels.json');
  }
}
