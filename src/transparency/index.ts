// Transparency reports (DSA Art. 15/24/42, Implementing Regulation (EU) 2024/2835).
import type { AnyRoute } from '../http/route.ts';
import { publicTransparencyRoutes, transparencyReportRoutes } from './routes.ts';

export const transparencyRoutes: AnyRoute[] = [...transparencyReportRoutes, ...publicTransparencyRoutes];
