export { createTestDatabase, testServices, uniqueName, withDatabase, type TestDatabase } from './testServices.js';
