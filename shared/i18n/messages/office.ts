import { defineMessages } from '../define';

/** Strings of the office screens (filled in by the feature). */
export default defineMessages({ title: 'office' }, { title: 'office' });
