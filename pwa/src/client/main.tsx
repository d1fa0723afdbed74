import { render } from 'preact';
import { getLang } from '../shared/i18n';
import { httpAuthApi } from './api';
import { App } from './app';
import { AuthService } from './auth';
import { AuthDb } from './db';
import { registerServiceWorker } from './sw-register';
import { keepFieldsOutOfBrowserFiles } from './vault/browser-traces';
import './style.css';

document.documentElement.lang = getLang();
const root = document.getElementById('app') as HTMLElement;
keepFieldsOutOfBrowserFiles(root);
// The one auth service of the page; the app hands it to the views through its contexts.
const authService = new AuthService(new AuthDb(), httpAuthApi());
let updateReady: (() => void) | null = null;
const draw = () => render(<App authService={authService} updateReady={updateReady} />, root);
draw();
registerServiceWorker((apply) => {
  updateReady = apply;
  draw();
});
