import { defineMessages } from '../define';

/** Messages for AppError keys `errors.*`: what happened and what to do, in the user's words. */
export default defineMessages(
  {
    internal:
      'Something went wrong inside CardDesk. Try again; if it keeps happening, tell your IT contact.',
    invalid_input: 'The request was not valid: {{detail}}',
    confirmation_required:
      'Not done: this change cannot be undone and was not confirmed. Review it and confirm it first.',
    unknown_operation: 'Unknown operation "{{name}}".',
    forbidden_origin: 'This page is not allowed to use the terminal.',
    placeholder: 'Not connected to WeChat yet: this answer is a placeholder.',
    connection_ok: 'Connected: WeChat issued an access token.',
    not_yourself: 'You cannot disable or demote yourself. Another manager can.',
    supervisor_pin_wrong:
      'The supervisor id or PIN is wrong. Ask the supervisor to enter it again.',
    outbox_unknown: 'There is no queued item {{id}}. Reload the list.',
    write_in_flight:
      'This refund is being sent to WeChat right now and cannot be cancelled. It can be cancelled once it is back in the queue.',
    write_not_in_state: 'This item has already moved on ({{state}}). Reload the list.',
    write_pending:
      'An earlier redemption or refund of this code at this terminal has no answer yet. Do not hand over goods; the terminal is checking with WeChat.',
    code_renaming:
      'This code is being changed in the back office right now, so nothing was sent. Scan it again in a moment.',
    file_not_saved:
      'The terminal could not save {{file}} ({{code}}), so nothing was done. Check the disk, then try again.',
    result_not_saved:
      'WeChat answered, but the terminal could not save the record (disk full or busy). Do not hand over goods yet: it keeps trying to save it.',
    reason_too_long:
      'The reason and the note are too long for WeChat ({{max}} bytes: about 16 Chinese characters of note). Shorten the note.',
    shutting_down: 'The terminal is shutting down. Try again in a moment.',
    writes_open_environment:
      '{{count}} redemption(s) or refund(s) to WeChat are not settled yet. Switching to another WeChat (mode, AppID, token service or API address) waits until they are: let them settle, or cancel queued refunds first.',
    not_signed_in: 'Sign in with your operator id and PIN first.',
    session_locked: 'The terminal locked itself after being idle. Enter your PIN to go on.',
    role_required_cashier: 'Only a signed-in cashier, supervisor or manager can do this.',
    role_required_supervisor: 'Only a supervisor or manager can do this. Ask a supervisor.',
    role_required_manager: 'Only a manager can do this. Ask your manager.',
    training_live_mode:
      'Training exists only in Sandbox mode. This terminal talks to the real WeChat, so no fault can be armed.',
    wrong_pin: 'Operator id or PIN is wrong. Try again.',
    operator_locked:
      'Too many wrong PINs: this operator is locked until {{until, time}} ({{minutes}} more minute(s)). A supervisor or manager can unlock it now on this screen.',
    unlock_pin_wrong: 'The id or PIN of the person unlocking is wrong. Enter them again.',
    unlock_not_allowed:
      'You cannot unlock this operator: a supervisor unlocks cashiers, a manager anyone but themselves.',
    operator_not_locked: '{{name}} is not locked: they can sign in with their PIN.',
    operator_disabled: 'This operator is disabled. Ask a manager.',
    operator_exists: 'There is already an operator with the id "{{id}}".',
    operator_unknown: 'There is no operator with the id "{{id}}".',
    last_manager:
      'The terminal needs at least one active manager: keep this one, or add another manager first.',
    already_set_up:
      'This terminal has been set up before, so it cannot be set up again from here. A manager can sign in and repair the settings. To start over, IT stops CardDesk and runs: npm run reset-terminal -- --data-dir "{{dataDir}}" (the audit log is kept).',
    live_credentials_missing: 'Live mode needs the AppID and the AppSecret.',
    token_service_url_missing: 'Live mode with a token service needs the service URL.',
    endpoint_not_secure:
      'In Live mode an address must start with https:// (http:// only for this computer: 127.0.0.1, ::1 or localhost). Not allowed: {{url}}',
    custom_base_url_unconfirmed:
      "{{url}} is not WeChat's API address. Every access token of this terminal would go there: tick the confirmation to use it.",
    app_secret_retype:
      'The saved AppSecret was entered for another address. Type the AppSecret again to use it with {{url}}.',
    token_service_auth_retype:
      'The saved token service credentials were entered for another address. Type them again to use them with {{url}}, or clear them first.',
    central_url_not_secure:
      'The head office collector address must start with https:// (http:// only for this computer: 127.0.0.1, ::1 or localhost). Not allowed: {{url}}',
    central_credential_retype:
      'The saved head office credential was entered for another collector. Type the credential again to use it with {{url}}, or clear it first.',
    central_url_missing: 'Enter the head office collector address first, then its credential.',
    app_secret_other_endpoint:
      'The saved AppSecret was entered for another address, so it is not sent to {{url}}. A manager must type it again in Settings > Connection.',
    token_service_auth_other_endpoint:
      'The saved token service credentials were entered for another address, so they are not sent to {{url}}. A manager must type them again in Settings > Connection.',
    host_unreachable:
      'The terminal service is not answering. Check that CardDesk is still running.',
    host_refused: 'The terminal service refused the request (HTTP {{status}}). Reload the page.',
  },
  {
    internal: 'CardDesk 内部出错。请重试；如反复出现，请联系 IT 人员。',
    invalid_input: '请求无效：{{detail}}',
    confirmation_required: '未执行：此更改无法撤销，且尚未确认。请先核对并确认。',
    unknown_operation: '未知操作“{{name}}”。',
    forbidden_origin: '此页面无权使用本终端。',
    placeholder: '尚未连接微信：这是占位结果。',
    connection_ok: '连接成功：微信已发放访问令牌。',
    not_yourself: '不能停用自己或降低自己的角色，请由另一位经理操作。',
    supervisor_pin_wrong: '主管编号或 PIN 错误。请主管重新输入。',
    outbox_unknown: '没有编号为 {{id}} 的待处理项。请刷新列表。',
    write_in_flight: '此退款作废正在发送给微信，现在不能取消。回到队列后即可取消。',
    write_not_in_state: '此项已经进入下一步（{{state}}）。请刷新列表。',
    write_pending:
      '本机对此券的上一笔核销或退款作废尚未收到结果。请勿交付商品；终端正在向微信核实。',
    code_renaming: '此券码正在后台修改，本次未发送。请稍后重新扫描。',
    file_not_saved: '终端无法保存 {{file}}（{{code}}），因此未执行任何操作。请检查磁盘后重试。',
    result_not_saved:
      '微信已应答，但终端无法保存记录（磁盘已满或忙）。暂勿交付商品：终端会继续尝试保存。',
    reason_too_long: '原因和备注超出微信的长度限制（{{max}} 字节，备注约 16 个汉字）。请缩短备注。',
    shutting_down: '终端正在关闭。请稍后重试。',
    writes_open_environment:
      '还有 {{count}} 笔核销或退款作废尚未确认结果。切换到其他微信环境（模式、AppID、令牌服务或接口地址）需等其完成：请等待结果确认，或先取消队列中的退款。',
    not_signed_in: '请先用操作员编号和 PIN 登录。',
    session_locked: '终端闲置后已锁定。请输入 PIN 继续。',
    role_required_cashier: '需要已登录的收银员、主管或经理才能操作。',
    role_required_supervisor: '只有主管或经理可以操作。请联系主管。',
    role_required_manager: '只有经理可以操作。请联系经理。',
    training_live_mode: '练习仅在沙箱模式下提供。本终端连接的是真实的微信，不能设置故障。',
    wrong_pin: '操作员编号或 PIN 错误，请重试。',
    operator_locked:
      'PIN 错误次数过多：该操作员已锁定至 {{until, time}}（还需 {{minutes}} 分钟）。主管或经理可在本界面立即解锁。',
    unlock_pin_wrong: '解锁人的编号或 PIN 错误，请重新输入。',
    unlock_not_allowed: '您不能解锁该操作员：主管可解锁收银员，经理可解锁除自己以外的任何人。',
    operator_not_locked: '{{name}} 未被锁定，可直接用自己的 PIN 登录。',
    operator_disabled: '该操作员已停用。请联系经理。',
    operator_exists: '已存在编号为“{{id}}”的操作员。',
    operator_unknown: '没有编号为“{{id}}”的操作员。',
    last_manager: '终端至少需要一名在用的经理：请保留此经理，或先添加另一名经理。',
    already_set_up:
      '本终端之前已设置过，不能在此重新设置。经理可以登录后修复设置。如需从头开始，请 IT 人员先关闭 CardDesk，再运行：npm run reset-terminal -- --data-dir "{{dataDir}}"（审计记录会保留）。',
    live_credentials_missing: '正式模式需要 AppID 和 AppSecret。',
    token_service_url_missing: '使用令牌服务的正式模式需要填写服务地址。',
    endpoint_not_secure:
      '正式模式下地址必须以 https:// 开头（http:// 仅限本机：127.0.0.1、::1 或 localhost）。不允许：{{url}}',
    custom_base_url_unconfirmed:
      '{{url}} 不是微信的接口地址。本终端的所有访问令牌都会发往该地址：请勾选确认后才能使用。',
    app_secret_retype:
      '已保存的 AppSecret 是为其他地址输入的。要用于 {{url}}，请重新输入 AppSecret。',
    token_service_auth_retype:
      '已保存的令牌服务凭据是为其他地址输入的。要用于 {{url}}，请重新输入凭据，或先清除凭据。',
    central_url_not_secure:
      '总部汇集服务的地址必须以 https:// 开头（http:// 仅限本机：127.0.0.1、::1 或 localhost）。不允许：{{url}}',
    central_credential_retype:
      '已保存的总部凭据是为其他汇集服务输入的。要用于 {{url}}，请重新输入凭据，或先清除凭据。',
    central_url_missing: '请先填写总部汇集服务的地址，再填写其凭据。',
    app_secret_other_endpoint:
      '已保存的 AppSecret 是为其他地址输入的，因此不会发送到 {{url}}。请经理在“设置 > 连接”中重新输入。',
    token_service_auth_other_endpoint:
      '已保存的令牌服务凭据是为其他地址输入的，因此不会发送到 {{url}}。请经理在“设置 > 连接”中重新输入。',
    host_unreachable: '终端服务无响应。请确认 CardDesk 仍在运行。',
    host_refused: '终端服务拒绝了请求（HTTP {{status}}）。请刷新页面。',
  },
);
