import assert from 'node:assert/strict';
import { canTraverse, parsePasswdEntry } from '../../src/stack/osUser.js';

describe('the postgres OS user', () => {
  const postgres = { name: 'postgres', uid: 101, gid: 104 };

  it('is read from /etc/passwd', () => {
    const passwd = 'root:x:0:0:root:/root:/bin/bash\npostgres:x:101:104:PostgreSQL administrator,,,:/var/lib/postgresql:/bin/bash\n';
    assert.deepEqual(parsePasswdEntry(passwd, 'postgres'), postgres);
    assert.equal(parsePasswdEntry(passwd, 'nobody'), undefined);
  });

  it("cannot enter root's 0700 home, can enter a 0755 folder", () => {
    assert.equal(canTraverse({ mode: 0o40700, uid: 0, gid: 0 }, postgres), false);
    assert.equal(canTraverse({ mode: 0o40755, uid: 0, gid: 0 }, postgres), true);
  });

  it('goes by the owner bits for its own folder and the group bits for its group', () => {
    assert.equal(canTraverse({ mode: 0o40700, uid: 101, gid: 0 }, postgres), true);
    assert.equal(canTraverse({ mode: 0o40710, uid: 0, gid: 104 }, postgres), true);
    assert.equal(canTraverse({ mode: 0o40701, uid: 0, gid: 104 }, postgres), false);
  });
});
