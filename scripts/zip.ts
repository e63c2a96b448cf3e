/**
 * The Azure Functions deployment package as a .zip (the platform takes only a zip with host.json
 * at its root), written with fflate: deflate level 9, fixed timestamps so the same files give the
 * same bytes, regular-file Unix modes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { zipSync, type Zippable } from 'fflate';

/** 1980-01-01, the earliest time a ZIP entry can carry: the same files always zip to the same bytes. */
const FIXED_MTIME = new Date(1980, 0, 1);
/** "Made by" Unix, so the external attributes below are read: a regular file, rw-r--r--. */
const UNIX = 3;
const FILE_MODE = (0o100644 << 16) >>> 0;

/** Every file under `dir` (relative, `/`-separated, sorted). */
export function listFiles(dir: string, prefix = ''): string[] {
  return fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(dir, path.posix.join(prefix, e.name)) : [path.posix.join(prefix, e.name)]))
    .sort();
}

/** Writes `zipPath` holding every file under `dir` at the archive's root; returns the entry names. */
export function zipDirectory(dir: string, zipPath: string): string[] {
  const names = listFiles(dir);
  const files: Zippable = {};
  for (const name of names) files[name] = [fs.readFileSync(path.join(dir, name)), { os: UNIX, attrs: FILE_MODE }];
  fs.writeFileSync(zipPath, zipSync(files, { level: 9, mtime: FIXED_MTIME }));
  return names;
}
