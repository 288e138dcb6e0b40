export { noticeRoutes } from './routes.ts';
export { normaliseUrl } from './normalise.ts';
export { NOTICE_EXAMPLE } from './schemas.ts';
export { noticesDecided } from './outcome.ts';
export { noticeForMessage, type NoticeMessageData } from './messages.ts';
