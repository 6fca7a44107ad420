import { fileURLToPath } from 'node:url';

// This file sits at deploy/src/stack/ when run through tsx and at deploy/dist/stack/ when built;
// both are two levels below deploy/.
export const deployDir = fileURLToPath(new URL('../../', import.meta.url));
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const kafkaHome = fileURLToPath(new URL('../../kafka/', import.meta.url));
