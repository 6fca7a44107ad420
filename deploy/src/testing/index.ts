export { freePort, freePorts } from './freePorts.js';
export { createTestDatabase, testRedisUrl, testServices, uniqueName, withDatabase, type TestDatabase } from './testServices.js';
export { kafkaTail, type KafkaTail, type KafkaTailOptions, type TailRecord } from './kafkaTail.js';
export { makeTestPki, type TestPki } from './testPki.js';
