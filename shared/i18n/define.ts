/**
 * Each area of the product keeps its strings in one module under `messages/`, English and
 * Chinese side by side. `defineMessages` makes the compiler check that the Chinese table has
 * exactly the keys of the English one, so no string exists in one language only.
 */
export type MessageTree = { readonly [key: string]: string | MessageTree };

type SameShape<T> = { readonly [K in keyof T]: T[K] extends string ? string : SameShape<T[K]> };

export interface Messages<T extends MessageTree> {
  en: T;
  'zh-CN': SameShape<T>;
}

export function defineMessages<const T extends MessageTree>(en: T, zh: SameShape<T>): Messages<T> {
  return { en, 'zh-CN': zh };
}
