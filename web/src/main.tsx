import { StrictMode, lazy, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { Route, Switch } from 'wouter';
import './i18n/index.ts';
import './app/styles.css';
import { Home } from './app/Home.tsx';
import { Layout } from './app/Layout.tsx';
import { Login } from './app/Login.tsx';
import { NotFound } from './app/NotFound.tsx';
import { SessionProvider } from './app/session.tsx';
import { publicRoutes } from './public/routes.tsx';

// The moderators' workspace is its own chunk: the public pages never download it.
const Workspace = lazy(() => import('./workspace/Workspace.tsx'));
const Dashboard = lazy(() => import('./dashboard/Dashboard.tsx'));
const Admin = lazy(() => import('./admin/Admin.tsx'));
// Public, but with Chart.js: loaded only when a transparency page is opened.
const Transparency = lazy(() => import('./transparency/Transparency.tsx'));
// Orders from authorities (signed in).
const Orders = lazy(() => import('./orders/Orders.tsx'));

function App() {
  return (
    <SessionProvider>
      <Layout>
        <Suspense fallback={<p aria-busy="true">…</p>}>
          <Switch>
            <Route path="/" component={Home} />
            <Route path="/login" component={Login} />
            {publicRoutes}
            <Route path="/transparency" component={Transparency} />
            <Route path="/transparency/:service" component={Transparency} />
            <Route path="/transparency/:service/:id" component={Transparency} />
            <Route path="/dashboard" component={Dashboard} />
            <Route path="/admin" component={Admin} />
            <Route path="/orders" component={Orders} />
            <Route path="/orders/:service/:id" component={Orders} />
            <Route path="/console" nest>
              <Workspace />
            </Route>
            <Route component={NotFound} />
          </Switch>
        </Suspense>
      </Layout>
    </SessionProvider>
  );
}

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
