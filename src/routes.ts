import { accountRoutes } from './accounts/index.ts';
import { auditRoutes } from './audit/index.ts';
import { bankExchangeRoutes, bankRoutes, hmaSourceRoutes } from './banks/index.ts';
import { caseRoutes } from './cases/index.ts';
import { appealRoutes, decisionRoutes, governanceRoutes, publicDecisionRoutes, qualityRoutes, tdbRoutes } from './decisions/index.ts';
import type { AnyRoute } from './http/route.ts';
import { jobRoutes } from './jobs/routes.ts';
import { noticeRoutes } from './notices/index.ts';
import { notificationRoutes } from './notifications/index.ts';
import { notifierRoutes } from './notifiers/index.ts';
import { orderRoutes } from './orders/index.ts';
import { screeningRuleRoutes, screenRoutes } from './screening/index.ts';
import { serviceRoutes } from './services/index.ts';
import { statsRoutes } from './stats/index.ts';
import { supportRoutes } from './support/index.ts';
import { transparencyRoutes } from './transparency/index.ts';
import { webhookRoutes } from './webhooks/index.ts';

/** Every HTTP route of the API, by domain. The OpenAPI document and the route × role test read this list. */
export const ALL_ROUTES: readonly AnyRoute[] = [
  ...accountRoutes,
  ...serviceRoutes,
  ...noticeRoutes,
  ...caseRoutes,
  ...decisionRoutes,
  ...governanceRoutes,
  ...appealRoutes,
  ...qualityRoutes,
  ...publicDecisionRoutes,
  ...tdbRoutes,
  ...auditRoutes,
  ...jobRoutes,
  ...webhookRoutes,
  ...screeningRuleRoutes,
  ...screenRoutes,
  ...bankRoutes,
  ...bankExchangeRoutes,
  ...hmaSourceRoutes,
  ...notificationRoutes,
  ...statsRoutes,
  ...supportRoutes,
  ...orderRoutes,
  ...notifierRoutes,
  ...transparencyRoutes,
];
