/** The public pages (no sign-in): the routes this area adds to the app. */
import { Route } from 'wouter';
import { HelpPage } from './HelpPage.tsx';
import { NoticeForm } from './NoticeForm.tsx';
import { StatementPage } from './StatementPage.tsx';
import { TrackPage } from './TrackPage.tsx';

export const publicRoutes = [
  <Route key="report" path="/report" component={NoticeForm} />,
  <Route key="report-service" path="/report/:service" component={NoticeForm} />,
  <Route key="track" path="/track" component={TrackPage} />,
  <Route key="track-service" path="/track/:service" component={TrackPage} />,
  <Route key="statement" path="/statements/:service/:decision" component={StatementPage} />,
  <Route key="help" path="/help" component={HelpPage} />,
];
