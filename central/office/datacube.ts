/**
 * The collector's calls to WeChat: datacube/getcardcardinfo (consume counts per card and day,
 * WeChat's day being Asia/Shanghai) and card/get (a card's title, for cards no terminal has
 * recorded a title of), with a stable_token access token cached until shortly before it
 * expires. Configured at start (AppID, AppSecret, API base: the sandbox in tests).
 */

export interface WechatConfig {
  /** e.g. https://api.weixin.qq.com, or the sandbox's URL. */
  baseUrl: string;
  appid: string;
  secret: string;
}

export class DatacubeError extends Error {
  constructor(
    message: string,
    readonly errcode?: number,
  ) {
    super(message);
  }
}

export interface CardDayCount {
  day: string;
  card_id: string;
  verify_cnt: number;
}

async function post(url: string, body: unknown): Promise<Record<string, unknown>> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (err) {
    throw new DatacubeError(`WeChat could not be reached: ${(err as Error).message}`);
  }
  if (!res.ok) throw new DatacubeError(`WeChat answered HTTP ${res.status}`);
  const json = (await res.json().catch(() => undefined)) as Record<string, unknown> | undefined;
  if (!json || typeof json !== 'object') throw new DatacubeError('WeChat answered no JSON');
  const errcode = typeof json.errcode === 'number' ? json.errcode : 0;
  if (errcode !== 0) {
    throw new DatacubeError(`WeChat errcode ${errcode}: ${String(json.errmsg ?? '')}`, errcode);
  }
  return json;
}

/** A card's title is asked of WeChat at most this often (titles rarely change). */
const TITLE_TTL_MS = 60 * 60_000;

export function createDatacube(config: WechatConfig, now: () => number = Date.now) {
  const base = config.baseUrl.replace(/\/+$/, '');
  let token: { value: string; until: number } | undefined;
  const titles = new Map<string, { title: string | null; at: number }>();

  async function accessToken(): Promise<string> {
    if (token && token.until > Date.now()) return token.value;
    const json = await post(`${base}/cgi-bin/stable_token`, {
      grant_type: 'client_credential',
      appid: config.appid,
      secret: config.secret,
    });
    if (typeof json.access_token !== 'string') throw new DatacubeError('no access_token');
    const ttl = typeof json.expires_in === 'number' ? json.expires_in : 7200;
    token = { value: json.access_token, until: Date.now() + Math.max(60, ttl - 300) * 1000 };
    return token.value;
  }

  /** A call with the access token, fetching a new one once if WeChat no longer takes it. */
  async function withToken(p: string, body: unknown): Promise<Record<string, unknown>> {
    const call = async () =>
      post(`${base}${p}?access_token=${encodeURIComponent(await accessToken())}`, body);
    try {
      return await call();
    } catch (err) {
      if (err instanceof DatacubeError && [40001, 40014, 42001].includes(err.errcode ?? 0)) {
        token = undefined;
        return call();
      }
      throw err;
    }
  }

  return {
    /**
     * A card's title from card/get ({"card": {"card_type": "CASH", "cash": {"base_info":
     * {"title": ...}}}}); null when WeChat does not know the card or cannot be asked now.
     */
    async cardTitle(cardId: string): Promise<string | null> {
      const known = titles.get(cardId);
      if (known && now() - known.at < TITLE_TTL_MS) return known.title;
      let title: string | null = null;
      try {
        const json = await withToken('/card/get', { card_id: cardId });
        const card = json.card as Record<string, unknown> | undefined;
        const type = typeof card?.card_type === 'string' ? card.card_type.toLowerCase() : '';
        const body = card?.[type] as { base_info?: { title?: unknown } } | undefined;
        const t = body?.base_info?.title;
        title = typeof t === 'string' && t.trim() ? t.trim() : null;
      } catch (err) {
        if (!(err instanceof DatacubeError)) throw err;
        if (err.errcode === undefined) return null; // not reached: ask again next time
      }
      titles.set(cardId, { title, at: now() });
      return title;
    },

    /** Consume (verify) counts per card and day from `from` to `to`, both YYYY-MM-DD. */
    async cardDays(from: string, to: string): Promise<CardDayCount[]> {
      const json = await withToken('/datacube/getcardcardinfo', {
        begin_date: from,
        end_date: to,
        cond_source: 0,
      });
      const list = Array.isArray(json.list) ? (json.list as Record<string, unknown>[]) : [];
      return list.map((r) => ({
        day: String(r.ref_date),
        card_id: String(r.card_id),
        verify_cnt: Number(r.verify_cnt ?? 0),
      }));
    },
  };
}
export type Datacube = ReturnType<typeof createDatacube>;
