import type { AnyRoute } from '../http/route.ts';
import { referralRoutes } from './referrals-routes.ts';
import { authorityRoutes, orderRoutes as orders } from './routes.ts';

export const orderRoutes: AnyRoute[] = [...authorityRoutes, ...orders, ...referralRoutes];
/** The accounts domain binds an authority's API key to a registered authority. */
export { findAuthority } from './sql.ts';
/** The job that pushes messages to authorities' callback URLs (registered with the worker in src/server.ts). */
export { orderMessageDeliveryJob } from './delivery.ts';
