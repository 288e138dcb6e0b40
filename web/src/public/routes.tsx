/** The public pages (no sign-in): the routes this area adds to the app. */
import { Route } from 'wouter';
import { NotFound } from '../app/NotFound.tsx';

export const publicRoutes = [<Route key="report" path="/report" component={NotFound} />];
