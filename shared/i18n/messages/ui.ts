import { defineMessages } from '../define';

/** Strings of the screens' frame and of the counter screen. */
export default defineMessages(
  {
    app: {
      title: 'CardDesk',
      loading: 'Starting…',
      sandboxBanner: 'SANDBOX — demo data, nothing reaches WeChat',
      liveBadge: 'LIVE',
      language: 'Language',
      errcode: 'errcode {{errcode}}',
      settingsProblem:
        'The settings file could not be read: the terminal runs in Sandbox, check only. A manager must review the settings.',
    },
    nav: {
      label: 'Screens',
      counter: 'Counter',
      settings: 'Settings',
      switch: 'Switch operator',
      signOut: 'Sign out',
    },
    roles: { cashier: 'Cashier', supervisor: 'Supervisor', manager: 'Manager' },
    signin: {
      title: 'Sign in',
      lockedTitle: 'Locked',
      lockedHint: '{{name}} was signed in. Enter the PIN to go on, or sign in as someone else.',
      operatorId: 'Operator id',
      pin: 'PIN',
      submit: 'Sign in',
    },
    counter: {
      scanLabel: 'Scan or type a code',
      scanPlaceholder: 'Scan a code, or type it and press Enter',
      lookUp: 'Look up',
      checking: 'Checking…',
      ready: 'Ready for the next scan',
      placeholderNotice: 'Not connected to WeChat yet: this answer is a placeholder.',
      codeLabel: 'Code',
      statusLabel: 'Status',
    },
  },
  {
    app: {
      title: 'CardDesk 卡券核销台',
      loading: '正在启动…',
      sandboxBanner: '沙箱模式 — 演示数据，不会发送到微信',
      liveBadge: '正式',
      language: '语言',
      errcode: '错误码 {{errcode}}',
      settingsProblem: '无法读取设置文件：终端以沙箱、仅查询模式运行。请经理检查设置。',
    },
    nav: {
      label: '页面',
      counter: '收银台',
      settings: '设置',
      switch: '切换操作员',
      signOut: '退出登录',
    },
    roles: { cashier: '收银员', supervisor: '主管', manager: '经理' },
    signin: {
      title: '登录',
      lockedTitle: '已锁定',
      lockedHint: '{{name}} 已登录。输入 PIN 继续，或以其他操作员登录。',
      operatorId: '操作员编号',
      pin: 'PIN',
      submit: '登录',
    },
    counter: {
      scanLabel: '扫码或输入券码',
      scanPlaceholder: '扫码，或输入券码后按回车',
      lookUp: '查询',
      checking: '正在查询…',
      ready: '请扫下一张券',
      placeholderNotice: '尚未连接微信：这是占位结果。',
      codeLabel: '券码',
      statusLabel: '状态',
    },
  },
);
