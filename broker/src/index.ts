export { startBroker, type RunningBroker } from './broker.js';
export { loadBrokerConfig, BrokerEnv, type BrokerConfig } from './config.js';
export { BrokerError, BROKER_ERRORS, type BrokerErrorCode } from './errors.js';
export { authorizePublish, authorizeSubscribe, type AclDecision } from './core/acl.js';
export { clientIdMatches, SERVICE_USERNAME_PREFIX, type Principal } from './core/principal.js';
export { hashSecret, verifySecret, newSecret } from '@gridsight/service-kit';
