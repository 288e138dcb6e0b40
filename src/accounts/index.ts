export { accountRoutes } from './routes.ts';
export { DbAuthenticator, SESSION_COOKIE } from './authenticator.ts';
export { addMember, createApiKey, createUser, issueSetupTokenIfNoUsers, promoteInstanceAdmin } from './service.ts';
export { findUserByEmail } from './sql.ts';
