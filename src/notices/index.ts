export { noticeRoutes } from './routes.ts';
export { contentKey, normaliseUrl } from './normalise.ts';
export { NOTICE_EXAMPLE } from './schemas.ts';
export { noticesDecided, queueNotifierAppealMessages } from './outcome.ts';
export { verifyNotifier } from './service.ts';
export { noticeForMessage, type NoticeMessageData } from './messages.ts';
