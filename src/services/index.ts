export { serviceRoutes } from './routes.ts';
export { createService } from './service.ts';
export { findServiceById, findServiceBySlug, countServices, type ServiceRow } from './sql.ts';
