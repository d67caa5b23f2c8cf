/**
 * A translated sentence with merchant data (an operator's name) or an id inside it: the
 * sentence is the operator's language, the name is whatever the merchant typed. The name is
 * put in its own element, marked `data-merchant` (or `.mono translate="no"` for an id), so the
 * untranslated-text check and a translating browser leave it alone, without a message per
 * language needing markup.
 */
import { Fragment, type ReactNode } from 'react';
import type { Translate } from './language';

const MARK = '\u0001';
const PLACEHOLDER = new RegExp(`(${MARK}\\d+${MARK})`);

export function textWith(
  t: Translate,
  key: string,
  params: Record<string, string>,
  inline: { merchant?: Record<string, string>; ids?: Record<string, string> },
): ReactNode {
  // Nothing to set apart: the sentence as it is (the counter's verdict hint, most of the time).
  if (!inline.merchant && !inline.ids) return t(key, params);
  const nodes = new Map<string, ReactNode>();
  const placeholders: Record<string, string> = {};
  let i = 0;
  const add = (name: string, node: ReactNode) => {
    const token = `${MARK}${i++}${MARK}`;
    placeholders[name] = token;
    nodes.set(token, node);
  };
  for (const [name, value] of Object.entries(inline.merchant ?? {}))
    add(name, <span data-merchant="">{value}</span>);
  for (const [name, value] of Object.entries(inline.ids ?? {}))
    add(
      name,
      <span className="mono" translate="no">
        {value}
      </span>,
    );
  const text = t(key, { ...params, ...placeholders });
  const parts = text.split(PLACEHOLDER);
  return parts.map((part, n) => <Fragment key={n}>{nodes.get(part) ?? part}</Fragment>);
}
