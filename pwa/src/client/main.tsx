import { render } from 'preact';
import { getLang } from '../shared/i18n';
import { App } from './app';
import { registerServiceWorker } from './sw-register';
import './style.css';

document.documentElement.lang = getLang();
const root = document.getElementById('app') as HTMLElement;
let updateReady: (() => void) | null = null;
const draw = () => render(<App updateReady={updateReady} />, root);
draw();
registerServiceWorker((apply) => {
  updateReady = apply;
  draw();
});
