/**
 * The collector's one call to WeChat: datacube/getcardcardinfo (consume counts per card and
 * day, WeChat's day being Asia/Shanghai), with a stable_token access token cached until shortly
 * before it expires. Configured at start (AppID, AppSecret, API base: the sandbox in tests).
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

export function createDatacube(config: WechatConfig) {
  const base = config.baseUrl.replace(/\/+$/, '');
  let token: { value: string; until: number } | undefined;

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

  return {
    /** Consume (verify) counts per card and day from `from` to `to`, both YYYY-MM-DD. */
    async cardDays(from: string, to: string): Promise<CardDayCount[]> {
      const call = async () =>
        post(
          `${base}/datacube/getcardcardinfo?access_token=${encodeURIComponent(await accessToken())}`,
          {
            begin_date: from,
            end_date: to,
            cond_source: 0,
          },
        );
      let json: Record<string, unknown>;
      try {
        json = await call();
      } catch (err) {
        // An access token WeChat no longer takes: fetch a new one once.
        if (err instanceof DatacubeError && [40001, 40014, 42001].includes(err.errcode ?? 0)) {
          token = undefined;
          json = await call();
        } else throw err;
      }
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
