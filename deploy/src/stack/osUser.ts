import { readFile, stat } from 'node:fs/promises';
import { dirname, parse } from 'node:path';

export interface OsUser {
  name: string;
  uid: number;
  gid: number;
}

export function parsePasswdEntry(passwd: string, name: string): OsUser | undefined {
  for (const line of passwd.split('\n')) {
    const [entryName, , uid, gid] = line.split(':');
    if (entryName === name && uid !== undefined && gid !== undefined) {
      return { name, uid: Number(uid), gid: Number(gid) };
    }
  }
  return undefined;
}

export interface Ownership {
  mode: number;
  uid: number;
  gid: number;
}

/**
 * Whether `user` may enter a folder. Only the primary group counts: Node's spawn drops
 * supplementary groups when it switches uid/gid.
 */
export function canTraverse(folder: Ownership, user: OsUser): boolean {
  if (user.uid === 0) return true;
  if (folder.uid === user.uid) return (folder.mode & 0o100) !== 0;
  if (folder.gid === user.gid) return (folder.mode & 0o010) !== 0;
  return (folder.mode & 0o001) !== 0;
}

export async function lookupOsUser(name: string): Promise<OsUser | undefined> {
  return parsePasswdEntry(await readFile('/etc/passwd', 'utf8'), name);
}

/** The outermost folder on the way to `path` that `user` cannot enter, with its mode. */
export async function firstBlockedFolder(
  path: string,
  user: OsUser,
): Promise<{ folder: string; mode: number } | undefined> {
  const folders: string[] = [];
  for (let folder = path; folder !== parse(folder).root; folder = dirname(folder)) folders.unshift(folder);
  for (const folder of [parse(path).root, ...folders]) {
    const info = await stat(folder);
    if (!canTraverse(info, user)) return { folder, mode: info.mode & 0o777 };
  }
  return undefined;
}
