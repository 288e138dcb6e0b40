export { supportRoutes } from './routes.ts';
export { HARMS, KINDS, type Harm, type Kind } from './schemas.ts';
export { publicHelpResources } from './service.ts';
