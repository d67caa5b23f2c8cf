import { defineMessages } from '../define';

/**
 * Messages of the audit log (AppError keys `audit.*`, mounted under the `audit` namespace) and
 * of its chain check, for the review screens and the command line.
 */
export default defineMessages(
  {
    not_found: 'The audit log {{file}} does not exist.',
    cannot_open:
      'The audit log {{file}} cannot be opened. Check that the folder exists and that CardDesk may write to it.',
    not_a_log:
      'The file {{file}} is not a CardDesk audit log. CardDesk did not change it; choose another file or move it away.',
    corrupt:
      'The audit log {{file}} is damaged and cannot be read. Do not delete it: keep a copy for IT and restore the last backup.',
    newer_version:
      'The audit log was written by a newer CardDesk (log version {{found}}, this CardDesk reads up to {{supported}}). Update CardDesk on this terminal.',
    read_only:
      'The audit log {{file}} is read-only, so nothing can be recorded. Actions are blocked until CardDesk may write to it.',
    disk_full:
      'The disk is full: the action was not recorded and was not done. Free some disk space, then try again.',
    busy: 'The audit log is in use by another program. Close other copies of CardDesk and try again.',
    io_error:
      'The audit log could not be written or read ({{code}}). The action was not recorded. Check the disk, then try again.',
    storage_error: 'The audit log reported an error ({{code}}). The action was not recorded.',
    closed: 'The audit log is closed.',
    invalid_record: 'An audit record was not valid: {{detail}}',
    invalid_query: 'The audit search was not valid: {{detail}}',
    unknown_intent: 'No intent with the reference {{nonce}} is in the audit log.',
    cancelled: 'Cancelled.',
    verify_ok: 'The audit log is intact: {{count}} records checked.',
    verify_changed:
      'Record {{id}} was changed after it was written (or written by something other than CardDesk).',
    verify_deleted: 'Record {{id}} (and maybe the following ones) were deleted from the audit log.',
    verify_inserted: 'Record {{id}} was added to the audit log by something other than CardDesk.',
    verify_truncated: 'The last records of the audit log, from record {{id}} on, were removed.',
    verify_corrupt: 'The audit log is damaged from record {{id}} on and cannot be checked further.',
    verify_guards_missing:
      'The protection against changing records was removed from the file. The records themselves check out.',
    verify_search_index_behind:
      'The search index is behind the records; CardDesk rebuilds it when it opens the log.',
  },
  {
    not_found: '审计日志 {{file}} 不存在。',
    cannot_open: '无法打开审计日志 {{file}}。请检查文件夹是否存在以及 CardDesk 是否有写入权限。',
    not_a_log:
      '文件 {{file}} 不是 CardDesk 审计日志。CardDesk 未修改它；请选择其他文件或将其移走。',
    corrupt: '审计日志 {{file}} 已损坏，无法读取。请勿删除：为 IT 人员保留副本，并恢复最近的备份。',
    newer_version:
      '此审计日志由更新版本的 CardDesk 写入（日志版本 {{found}}，本 CardDesk 最高支持 {{supported}}）。请在本终端更新 CardDesk。',
    read_only:
      '审计日志 {{file}} 为只读，无法记录任何内容。在 CardDesk 获得写入权限之前，操作将被阻止。',
    disk_full: '磁盘已满：此操作未被记录，也未执行。请释放磁盘空间后重试。',
    busy: '审计日志正被其他程序使用。请关闭其他 CardDesk 窗口后重试。',
    io_error: '无法读写审计日志（{{code}}）。此操作未被记录。请检查磁盘后重试。',
    storage_error: '审计日志报告错误（{{code}}）。此操作未被记录。',
    closed: '审计日志已关闭。',
    invalid_record: '审计记录无效：{{detail}}',
    invalid_query: '审计查询无效：{{detail}}',
    unknown_intent: '审计日志中没有编号为 {{nonce}} 的操作意图。',
    cancelled: '已取消。',
    verify_ok: '审计日志完整：已检查 {{count}} 条记录。',
    verify_changed: '第 {{id}} 条记录在写入后被修改（或并非由 CardDesk 写入）。',
    verify_deleted: '第 {{id}} 条记录（可能还有其后的记录）已从审计日志中删除。',
    verify_inserted: '第 {{id}} 条记录并非由 CardDesk 写入，而是被添加到审计日志中的。',
    verify_truncated: '审计日志末尾从第 {{id}} 条起的记录已被删除。',
    verify_corrupt: '审计日志从第 {{id}} 条记录起已损坏，无法继续检查。',
    verify_guards_missing: '文件中防止修改记录的保护已被移除。记录本身校验无误。',
    verify_search_index_behind: '搜索索引落后于记录；CardDesk 打开日志时会重建索引。',
  },
);
