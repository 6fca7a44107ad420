// Chinese (zh-CN) is the default; English on request. Keys are the only strings the UI shows.
export const MESSAGES = {
  'zh-CN': {
    appTitle: '网格工单',
    signIn: '登录',
    signOut: '退出',
    username: '工号',
    password: '密码',
    badLogin: '工号或密码错误',
    myTickets: '我的工单',
    allTickets: '全部工单',
    noTickets: '暂无工单',
    newTicket: '新工单',
    back: '返回',
    accept: '接单',
    start: '开始处理',
    resolve: '提交完成',
    verify: '验收通过',
    reject: '驳回',
    photo: '现场照片',
    note: '备注',
    needPhoto: '请先拍摄现场照片',
    dueIn: '剩余',
    overdue: '已超时',
    acceptWithin: '接单剩余',
    evidence: '发现时截图',
    trail: '处理记录',
    queued: '离线，已排队',
    offline: '当前离线，操作将在恢复网络后发送',
    online: '已恢复网络',
    sent: '已发送',
    failed: '失败',
    escalated: '已升级',
    language: 'English',
    opsTitle: '事件地图',
    kinds: { manhole_open: '井盖缺失', garbage_pile: '垃圾堆积', bin_full: '垃圾桶满溢' },
    statuses: { new: '待分派', assigned: '待接单', accepted: '已接单', in_progress: '处理中', resolved: '待验收', verified: '已验收', closed: '已关闭', cancelled: '已取消' },
    transitions: { created: '创建', assigned: '派单', reassigned: '改派', accepted: '接单', started: '开始处理', resolved: '完成', verified: '验收', rejected: '驳回', reopened: '重新打开', escalated: '升级', closed: '关闭', cancelled: '取消' },
  },
  en: {
    appTitle: 'Grid tickets',
    signIn: 'Sign in',
    signOut: 'Sign out',
    username: 'User id',
    password: 'Password',
    badLogin: 'Unknown user id or wrong password',
    myTickets: 'My tickets',
    allTickets: 'All tickets',
    noTickets: 'No tickets',
    newTicket: 'New ticket',
    back: 'Back',
    accept: 'Accept',
    start: 'Start work',
    resolve: 'Resolve',
    verify: 'Verify',
    reject: 'Reject',
    photo: 'Photo of the fix',
    note: 'Note',
    needPhoto: 'Take a photo of the fixed place first',
    dueIn: 'Due in',
    overdue: 'Overdue',
    acceptWithin: 'Accept within',
    evidence: 'Evidence snapshot',
    trail: 'History',
    queued: 'Offline, queued',
    offline: 'You are offline; actions will be sent when the connection is back',
    online: 'Back online',
    sent: 'Sent',
    failed: 'Failed',
    escalated: 'Escalated',
    language: '中文',
    opsTitle: 'Incident map',
    kinds: { manhole_open: 'Open manhole', garbage_pile: 'Garbage pile', bin_full: 'Full bin' },
    statuses: { new: 'New', assigned: 'Assigned', accepted: 'Accepted', in_progress: 'In progress', resolved: 'Resolved', verified: 'Verified', closed: 'Closed', cancelled: 'Cancelled' },
    transitions: { created: 'created', assigned: 'assigned', reassigned: 'reassigned', accepted: 'accepted', started: 'started', resolved: 'resolved', verified: 'verified', rejected: 'rejected', reopened: 'reopened', escalated: 'escalated', closed: 'closed', cancelled: 'cancelled' },
  },
};

export function currentLanguage() {
  return localStorage.getItem('gs.lang') === 'en' ? 'en' : 'zh-CN';
}

export function toggleLanguage() {
  localStorage.setItem('gs.lang', currentLanguage() === 'en' ? 'zh-CN' : 'en');
}

export function t(key) {
  return MESSAGES[currentLanguage()][key] ?? key;
}

/** Minutes and seconds (or hours and minutes) until `iso`; negative means past. */
export function countdown(iso, now = Date.now()) {
  const ms = new Date(iso).getTime() - now;
  const abs = Math.abs(ms);
  const h = Math.floor(abs / 3_600_000);
  const m = Math.floor((abs % 3_600_000) / 60_000);
  const s = Math.floor((abs % 60_000) / 1000);
  const text = h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}` : `${m}:${String(s).padStart(2, '0')}`;
  return { overdue: ms < 0, text };
}
