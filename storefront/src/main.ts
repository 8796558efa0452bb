import { mount } from 'svelte';
import App from './App.svelte';
import { session } from './lib/session.svelte.js';
import { startTelemetry } from './lib/telemetry.js';
import './app.css';

mount(App, { target: document.getElementById('app')! });
startTelemetry(session.id);
