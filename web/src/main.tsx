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

function App() {
  return (
    <SessionProvider>
      <Layout>
        <Suspense fallback={<p aria-busy="true">…</p>}>
          <Switch>
            <Route path="/" component={Home} />
            <Route path="/login" component={Login} />
            {publicRoutes}
            <Route path="/dashboard" component={Dashboard} />
            <Route path="/admin" component={Admin} />
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
