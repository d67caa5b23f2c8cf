import { defineMessages } from '../define';

/** Strings of the review screens (filled in by the feature). */
export default defineMessages({ title: 'review' }, { title: 'review' });
