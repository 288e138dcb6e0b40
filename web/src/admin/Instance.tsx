/** Instance-wide administration (instance administrators only): the services, and the help-and-remedies data. */
export { Services } from './instance/Services.tsx';
export { HelpResources } from './instance/HelpResources.tsx';
