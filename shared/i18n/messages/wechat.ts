import { defineMessages } from '../define';

/**
 * Messages for the WeChat client's errors, mounted under `wechat.`: one per errcode CardDesk
 * knows (`errcode_<n>`, see shared/wechat/errcodes.ts), one for any other errcode, and the
 * failures that are not an errcode (no answer, lost answer, unreadable answer). Each says what
 * happened and what the cashier or the manager can do about it.
 *
 * Params available on every errcode message: {{errcode}}, {{call}}; 40164 also has {{ip}}.
 */
export default defineMessages(
  {
    'errcode_-1': 'WeChat is busy at the moment. Wait a few seconds and try again.',
    errcode_40001:
      'WeChat did not accept the access token (it is invalid or no longer the latest). CardDesk fetched a new one and tried again. If this keeps happening, another terminal or program is fetching tokens for the same AppID: manager, switch every terminal to the stable_token mode.',
    errcode_40014:
      'WeChat says the access token is invalid. Try again; if it keeps happening, manager: check the token settings (AppID, AppSecret or token service).',
    errcode_42001:
      'The access token had expired. CardDesk fetched a new one and tried again. If this keeps happening, manager: check the token service.',
    errcode_40125:
      'WeChat rejected the AppSecret. Manager: copy the current AppSecret from the WeChat Official Accounts Platform into Settings (it changes when someone resets it).',
    errcode_40164:
      'WeChat refused this terminal’s IP address ({{ip}}): it is not on the AppID’s IP whitelist. Manager: add the shop’s public IP address to the whitelist on the WeChat Official Accounts Platform, or use a token service.',
    errcode_40013:
      'WeChat does not know this AppID. Manager: check the AppID in Settings (it starts with "wx").',
    errcode_41002: 'The AppID is missing. Manager: enter the AppID in Settings.',
    errcode_41004: 'The AppSecret is missing. Manager: enter the AppSecret in Settings.',
    errcode_40002:
      'WeChat rejected the token request (invalid grant_type). This is a CardDesk problem: tell your IT contact.',
    errcode_41001:
      'The request reached WeChat without an access token. This is a CardDesk problem: tell your IT contact.',
    errcode_45009:
      'The WeChat account has used up today’s API quota. WeChat calls work again tomorrow; manager: the quota can be reset on the WeChat Official Accounts Platform.',
    errcode_45011: 'Too many requests to WeChat in the last minute. Wait a minute and try again.',
    errcode_40056:
      'WeChat does not know this code for this merchant: it does not exist, has not been received yet, or was gifted to someone else. Ask the customer to open the coupon in WeChat and show it again. If the coupon uses the merchant’s own codes, this terminal does not accept that card’s codes yet: a manager can turn on “Accept this card’s codes at this terminal” on the card’s page in the back office.',
    errcode_40099: 'This code has already been redeemed. Do not hand over the goods again.',
    errcode_40127:
      'This coupon cannot be used: the customer deleted it, is gifting it to a friend, or it was invalidated. Ask the customer to check the coupon in WeChat.',
    errcode_40116: 'The code is not valid. Check the code and scan or type it again.',
    errcode_40078:
      'The card is not in a usable state (not approved yet, or deleted by the merchant). Manager: check the card’s status in the back office.',
    errcode_40079:
      'The coupon is outside its validity period (not started yet, or expired). It cannot be redeemed now.',
    errcode_40100: 'The time range is not valid. Check the start and end times and try again.',
    errcode_40122:
      'The stock quantity is not valid. Check the number: stock cannot go below zero or above 100,000,000.',
    errcode_41012:
      'This coupon uses the merchant’s own codes and this terminal does not accept that card’s codes yet. Manager: turn on “Accept this card’s codes at this terminal” on the card’s page in the back office, then scan again.',
    errcode_43009:
      'This account may not use custom codes. Manager: check the card’s custom-code setting and the account’s permissions.',
    errcode_45030:
      'This account has no API permission for this card. Manager: check that the card belongs to this AppID.',
    errcode_45031: 'The card’s stock is zero. Manager: add stock in the back office.',
    errcode_61500: 'The date format is wrong: dates must be written as YYYY-MM-DD.',
    errcode_61501:
      'The date range is not allowed: at most 62 days, ending yesterday or earlier (today’s data is not available yet).',
    errcode_40071: 'The card type does not match this card. Reload the card and try again.',
    errcode_40073: 'WeChat does not know this card id. Check the card id and try again.',
    errcode_40075:
      'The encrypted code could not be decrypted. Ask the customer to open the coupon again and scan it again.',
    errcode_40097:
      'WeChat rejected the request’s parameters. Check what was entered; if it looks right, tell your IT contact.',
    errcode_41009: 'The customer’s openid is missing. Enter it and try again.',
    errcode_41011: 'A required field is missing. Fill in every required field and try again.',
    errcode_45021: 'A field is too long for WeChat. Shorten it and try again.',
    errcode_47001:
      'WeChat could not read the request (data format error). This is likely a CardDesk problem: tell your IT contact.',
    errcode_48001:
      'This account is not authorised for this WeChat API. Manager: check the account’s Cards & Offers permissions on the WeChat Official Accounts Platform.',
    errcode_unknown:
      'WeChat refused the request with error {{errcode}}. Try again; if it keeps happening, tell your manager this number.',
    network:
      'Could not reach WeChat. Check the internet connection (and the API address in Settings), then try again.',
    timeout:
      'WeChat did not answer within {{seconds}} seconds. Check the internet connection and try again.',
    http_status:
      'The WeChat server (or a proxy on the way) answered with HTTP {{status}}. Try again in a moment; if it continues, manager: check the API address in Settings.',
    malformed_response:
      'WeChat sent an answer to {{call}} that CardDesk could not read. Try again; if it keeps happening, tell your IT contact.',
    outcome_unknown:
      'CardDesk sent {{call}} to WeChat, but the answer was lost: it is not known whether it was done. Do not repeat it before its result has been checked.',
    token_service_network:
      'Could not reach the token service. Check the network; manager: check the token service address in Settings.',
    token_service_http:
      'The token service answered with HTTP {{status}}. Manager: check the token service address and credentials in Settings.',
    token_service_malformed:
      'The token service sent an answer CardDesk could not read. Manager: check that the address in Settings is the token service.',
  },
  {
    'errcode_-1': '微信系统繁忙。请稍等几秒后重试。',
    errcode_40001:
      '微信不接受当前 access_token（无效或不是最新）。CardDesk 已重新获取并重试。如反复出现，说明有其他终端或程序在用同一 AppID 获取 token：请店长把所有终端改为 stable_token 方式。',
    errcode_40014:
      '微信提示 access_token 无效。请重试；如反复出现，请店长检查 token 设置（AppID、AppSecret 或 token 服务）。',
    errcode_42001:
      'access_token 已过期。CardDesk 已重新获取并重试。如反复出现，请店长检查 token 服务。',
    errcode_40125:
      '微信拒绝了 AppSecret。请店长从微信公众平台复制当前的 AppSecret 填入设置（有人重置后它会改变）。',
    errcode_40164:
      '微信拒绝了本终端的 IP 地址（{{ip}}）：它不在该 AppID 的 IP 白名单中。请店长在微信公众平台把门店的公网 IP 加入白名单，或改用 token 服务。',
    errcode_40013: '微信不认识这个 AppID。请店长检查设置中的 AppID（以“wx”开头）。',
    errcode_41002: '缺少 AppID。请店长在设置中填写 AppID。',
    errcode_41004: '缺少 AppSecret。请店长在设置中填写 AppSecret。',
    errcode_40002:
      '微信拒绝了获取 token 的请求（grant_type 无效）。这是 CardDesk 的问题：请联系 IT 人员。',
    errcode_41001: '请求未带 access_token 就到达了微信。这是 CardDesk 的问题：请联系 IT 人员。',
    errcode_45009:
      '该微信账号今天的接口调用次数已用完。明天即可恢复；店长也可以在微信公众平台清零调用次数。',
    errcode_45011: '最近一分钟内调用微信过于频繁。请等一分钟后重试。',
    errcode_40056:
      '微信在本商户下找不到这个券码：券码不存在、尚未领取，或已转赠给他人。请顾客在微信中重新打开卡券后出示。如果这是使用商户自定义券码的卡券，说明本机尚未接受这张卡券的券码：请经理在后台该卡券页面开启「本机接受此卡券的券码」。',
    errcode_40099: '该券码已经核销过。请不要再次交付商品。',
    errcode_40127:
      '该卡券当前不可用：顾客已删除、正在转赠给朋友，或已被设为失效。请顾客在微信中查看该卡券。',
    errcode_40116: '券码无效。请检查券码后重新扫描或输入。',
    errcode_40078: '卡券状态不可用（尚未审核通过，或已被商户删除）。请店长在后台查看该卡券的状态。',
    errcode_40079: '该卡券不在有效期内（尚未开始或已过期），现在不能核销。',
    errcode_40100: '时间范围无效。请检查开始和结束时间后重试。',
    errcode_40122: '库存数量无效。请检查数量：库存不能小于 0，也不能超过 100,000,000。',
    errcode_41012:
      '这是使用商户自定义券码的卡券，本机尚未接受这张卡券的券码。请经理在后台该卡券页面开启「本机接受此卡券的券码」，然后重新扫码。',
    errcode_43009: '该账号无权使用自定义券码。请店长检查卡券的自定义券码设置和账号权限。',
    errcode_45030: '该账号对此卡券没有接口权限。请店长确认该卡券属于当前 AppID。',
    errcode_45031: '该卡券库存为 0。请店长在后台增加库存。',
    errcode_61500: '日期格式错误：日期须写成 YYYY-MM-DD。',
    errcode_61501: '日期范围不允许：最多 62 天，且须在昨天或更早结束（当天数据尚未生成）。',
    errcode_40071: '卡券类型与该卡券不符。请重新加载卡券后重试。',
    errcode_40073: '微信不认识这个卡券 ID。请检查卡券 ID 后重试。',
    errcode_40075: '加密券码无法解密。请顾客重新打开卡券，再扫一次。',
    errcode_40097: '微信拒绝了请求参数。请检查填写的内容；如确认无误，请联系 IT 人员。',
    errcode_41009: '缺少顾客的 openid。请填写后重试。',
    errcode_41011: '缺少必填项。请填写所有必填项后重试。',
    errcode_45021: '有字段超出微信允许的长度。请缩短后重试。',
    errcode_47001: '微信无法解析请求（数据格式错误）。这很可能是 CardDesk 的问题：请联系 IT 人员。',
    errcode_48001: '该账号未获得此微信接口的权限。请店长在微信公众平台检查卡券功能的权限。',
    errcode_unknown:
      '微信拒绝了请求，错误码 {{errcode}}。请重试；如反复出现，请把这个错误码告诉店长。',
    network: '无法连接微信。请检查网络连接（以及设置中的接口地址）后重试。',
    timeout: '微信在 {{seconds}} 秒内没有响应。请检查网络连接后重试。',
    http_status:
      '微信服务器（或途中的代理）返回了 HTTP {{status}}。请稍后重试；如持续出现，请店长检查设置中的接口地址。',
    malformed_response: '微信对 {{call}} 的响应无法解析。请重试；如反复出现，请联系 IT 人员。',
    outcome_unknown:
      'CardDesk 已向微信发送 {{call}}，但响应丢失：无法确定是否已执行。在核实结果之前请不要重复操作。',
    token_service_network: '无法连接 token 服务。请检查网络；请店长检查设置中的 token 服务地址。',
    token_service_http:
      'token 服务返回了 HTTP {{status}}。请店长检查设置中的 token 服务地址和凭据。',
    token_service_malformed: 'token 服务的响应无法解析。请店长确认设置中的地址确实是 token 服务。',
  },
);
