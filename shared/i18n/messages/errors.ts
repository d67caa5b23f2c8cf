import { defineMessages } from '../define';

/** Messages for AppError keys `errors.*`: what happened and what to do, in the user's words. */
export default defineMessages(
  {
    internal:
      'Something went wrong inside CardDesk. Try again; if it keeps happening, tell your IT contact.',
    invalid_input: 'The request was not valid: {{detail}}',
    unknown_operation: 'Unknown operation "{{name}}".',
    forbidden_origin: 'This page is not allowed to use the terminal.',
    placeholder: 'Not connected to WeChat yet: this answer is a placeholder.',
    host_unreachable:
      'The terminal service is not answering. Check that CardDesk is still running.',
    host_refused: 'The terminal service refused the request (HTTP {{status}}). Reload the page.',
  },
  {
    internal: 'CardDesk 内部出错。请重试；如反复出现，请联系 IT 人员。',
    invalid_input: '请求无效：{{detail}}',
    unknown_operation: '未知操作“{{name}}”。',
    forbidden_origin: '此页面无权使用本终端。',
    placeholder: '尚未连接微信：这是占位结果。',
    host_unreachable: '终端服务无响应。请确认 CardDesk 仍在运行。',
    host_refused: '终端服务拒绝了请求（HTTP {{status}}）。请刷新页面。',
  },
);
