import * as path from 'node:path';

/**
 * The Chinook sample scripts: `KEELSON_CHINOOK_DIR`, else `../shared/data/chinook/` beside the checkout
 * (where CI puts it).
 */
export const CHINOOK_DIR = process.env.KEELSON_CHINOOK_DIR || path.resolve(__dirname, '../../../shared/data/chinook');
