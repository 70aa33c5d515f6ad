// FamilyLinkBot sandbox page: three chat panes over the sandbox's JSON API. Bot text is shown by building DOM
// nodes from Telegram's entities, never through innerHTML, so nothing a user typed can run as markup.
'use strict';

const TEXT = {
  ko: {
    title: 'FamilyLinkBot 샌드박스',
    note: '텔레그램도 인터넷도 쓰지 않아요. 이 화면의 세 사람과 모든 내용은 이 컴퓨터 안에만 있는 예시예요.',
    feedTitle: '예시 뉴스 피드', publish: '국경 소식 하나 올리기',
    published: '올렸어요: {title}. 봇이 바로 피드를 확인해요. 알림은 관리자 창의 /review 에서 승인을 기다려요.',
    publishedNoAlerts: '올렸어요: {title}. (이 버전의 봇에는 아직 뉴스 알림이 없어요.)',
    family: '가족', familyRole: '억류된 가족을 등록하는 탈북민 가족',
    caseworker: '담당자', caseworkerRole: '단체 활동가 — 조회 코드로 사례를 따라가요',
    admin: '관리자', adminRole: '봇 운영자 — 초대, 공지, 뉴스 검토',
    messages: '{name} 대화', input: '{name}(으)로 보낼 메시지', send: '보내기', shortcuts: '{name} 빠른 명령',
    buttons: '버튼', protected: '보호됨', protectedHint: '전달하거나 저장할 수 없는 메시지', edited: '수정됨',
    expired: '이 버튼은 더 이상 쓸 수 없어요.', failed: '보내지 못했어요. 샌드박스가 실행 중인지 확인해 주세요.',
    photo: '[사진]', sticker: '[스티커]', voice: '[음성]', document: '[파일]',
  },
  en: {
    title: 'FamilyLinkBot sandbox',
    note: 'No Telegram, no internet. The three people here and everything they say stay on this computer; all of it is made up.',
    feedTitle: 'Sample news feed', publish: 'Publish a border story',
    published: 'Published: {title}. The bot reads the feed now; the alert waits for approval in the admin\'s /review.',
    publishedNoAlerts: 'Published: {title}. (This version of the bot has no news alerts yet.)',
    family: 'Family member', familyRole: 'An escapee registering a detained relative',
    caseworker: 'Caseworker', caseworkerRole: 'NGO staff — follows cases by their case code',
    admin: 'Admin', adminRole: 'Runs the bot — invites, announcements, news review',
    messages: '{name} chat', input: 'Message as {name}', send: 'Send', shortcuts: '{name} shortcuts',
    buttons: 'Buttons', protected: 'Protected', protectedHint: 'Cannot be forwarded or saved', edited: 'edited',
    expired: 'That button is not shown any more.', failed: 'Could not send. Is the sandbox still running?',
    photo: '[photo]', sticker: '[sticker]', voice: '[voice message]', document: '[file]',
  },
};

// Commands offered as one-tap shortcuts; a trailing space means "needs more text": it fills the input instead.
const SHORTCUTS = {
  family: ['/start', '/register', '/cases', '/subscribe', '/privacy', '/help'],
  caseworker: ['/start', '/mycases', '/case ', '/status ', '/reply ', '/help'],
  admin: ['/start', '/invite', '/broadcast', '/review', '/feeds', '/stats'],
};

let lang = localStorage.getItem('sandbox.lang') || (navigator.language.startsWith('ko') ? 'ko' : 'en');
let commands = [];
const panes = new Map();

function t(key, values = {}) {
  return (TEXT[lang][key] ?? key).replace(/\{(\w+)\}/g, (_, name) => values[name] ?? '');
}

async function api(path, body) {
  const response = await fetch(path, body === undefined ? {} : {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  if (response.status === 204) return null;
  const json = await response.json().catch(() => null);
  if (!response.ok) throw Object.assign(new Error(json?.error ?? response.statusText), { status: response.status });
  return json;
}

function applyLanguage() {
  document.documentElement.lang = lang;
  document.querySelectorAll('[data-i18n]').forEach(el => { el.textContent = t(el.dataset.i18n); });
  const toggle = document.getElementById('lang');
  toggle.textContent = lang === 'ko' ? 'English' : '한국어';
  toggle.lang = lang === 'ko' ? 'en' : 'ko';
  for (const pane of panes.values()) labelPane(pane);
}

function labelPane(pane) {
  const name = t(pane.id);
  pane.title.textContent = name;
  pane.role.textContent = t(pane.id + 'Role');
  pane.log.setAttribute('aria-label', t('messages', { name }));
  pane.chips.setAttribute('aria-label', t('shortcuts', { name }));
  pane.label.textContent = t('input', { name });
  pane.send.textContent = t('send');
  for (const li of pane.items.values()) decorate(li, li.message);
}

function createPane(id) {
  const node = document.getElementById('pane-template').content.firstElementChild.cloneNode(true);
  node.id = 'pane-' + id;
  node.dataset.pane = id;
  const q = selector => node.querySelector(selector);
  const pane = {
    id, node, title: q('.pane-title'), role: q('.pane-role'), chips: q('.chips'), log: q('.messages'),
    toast: q('.toast'), label: q('label'), input: q('input'), send: q('.send'), items: new Map(),
    revision: null, seenAnswers: new Set(),
  };
  pane.title.id = 'title-' + id;
  node.setAttribute('aria-labelledby', pane.title.id);
  pane.input.id = 'input-' + id;
  pane.label.htmlFor = pane.input.id;
  for (const command of SHORTCUTS[id]) {
    if (!commands.includes(command.trim().slice(1))) continue;
    const chip = document.createElement('button');
    chip.type = 'button';
    chip.textContent = command.trim();
    chip.addEventListener('click', () => {
      if (command.endsWith(' ')) { pane.input.value = command; pane.input.focus(); } else { say(pane, command); }
    });
    pane.chips.append(chip);
  }
  q('form').addEventListener('submit', event => {
    event.preventDefault();
    const text = pane.input.value.trim();
    if (text) { pane.input.value = ''; say(pane, text); }
  });
  panes.set(id, pane);
  labelPane(pane);
  return pane;
}

async function say(pane, text) {
  try { await api(`/api/panes/${pane.id}/send`, { text }); } catch { pane.toast.textContent = t('failed'); }
}

async function press(pane, messageId, callbackData) {
  try {
    await api(`/api/panes/${pane.id}/press`, { messageId, callbackData });
  } catch (error) {
    pane.toast.textContent = error.status === 409 ? t('expired') : t('failed');
  }
}

function safeUrl(url) {
  try { const parsed = new URL(url, location.href); return ['http:', 'https:'].includes(parsed.protocol) ? parsed.href : null; } catch { return null; }
}

function elementFor(pane, entity, text) {
  const tags = { bold: 'strong', italic: 'em', underline: 'u', strikethrough: 's', code: 'code', pre: 'pre', blockquote: 'blockquote', expandable_blockquote: 'blockquote' };
  if (tags[entity.type]) return document.createElement(tags[entity.type]);
  if (entity.type === 'text_link' || entity.type === 'url') {
    const href = safeUrl(entity.type === 'url' ? text : entity.url);
    if (!href) return document.createElement('span');
    const a = document.createElement('a');
    a.href = href; a.target = '_blank'; a.rel = 'noopener noreferrer';
    return a;
  }
  if (entity.type === 'bot_command') {
    const button = document.createElement('button');
    button.type = 'button'; button.className = 'cmd';
    button.addEventListener('click', () => say(pane, text));
    return button;
  }
  if (entity.type === 'spoiler') {
    const span = document.createElement('span');
    span.className = 'spoiler'; span.tabIndex = 0;
    span.addEventListener('click', () => span.classList.add('shown'));
    span.addEventListener('keydown', e => { if (e.key === 'Enter' || e.key === ' ') span.classList.add('shown'); });
    return span;
  }
  return document.createElement('span');
}

// Entities are nested ranges over the text (UTF-16 offsets, as JavaScript strings count).
function renderEntities(pane, parent, text, start, end, entities) {
  let position = start;
  for (let i = 0; i < entities.length;) {
    const entity = entities[i];
    const entityEnd = Math.min(entity.offset + entity.length, end);
    if (entity.offset > position) parent.append(text.slice(position, entity.offset));
    let j = i + 1;
    while (j < entities.length && entities[j].offset < entityEnd) j++;
    const element = elementFor(pane, entity, text.slice(entity.offset, entityEnd));
    renderEntities(pane, element, text, Math.max(entity.offset, position), entityEnd, entities.slice(i + 1, j));
    parent.append(element);
    position = Math.max(position, entityEnd);
    i = j;
  }
  if (position < end) parent.append(text.slice(position, end));
}

function renderMessage(pane, message) {
  const li = document.createElement('li');
  li.className = 'msg ' + (message.fromBot ? 'bot' : 'user') + (message.protected ? ' protected' : '');
  li.dataset.id = message.id;
  const bubble = document.createElement('div');
  bubble.className = 'bubble';
  const text = message.kind === 'text' ? message.text : [TEXT[lang][message.kind] ?? `[${message.kind}]`, message.text].filter(Boolean).join(' ');
  const entities = message.kind === 'text'
    ? [...(message.entities ?? [])].sort((a, b) => a.offset - b.offset || b.length - a.length)
    : [];
  renderEntities(pane, bubble, text, 0, text.length, entities);
  li.append(bubble);
  const meta = document.createElement('div');
  meta.className = 'meta';
  li.append(meta);
  if (message.keyboard) {
    const keyboard = document.createElement('div');
    keyboard.className = 'keyboard';
    keyboard.setAttribute('role', 'group');
    for (const row of message.keyboard) {
      const line = document.createElement('div');
      line.className = 'row';
      for (const key of row) {
        let control;
        const href = key.url ? safeUrl(key.url) : null;
        if (href) {
          control = document.createElement('a');
          control.href = href; control.target = '_blank'; control.rel = 'noopener noreferrer';
        } else {
          control = document.createElement('button');
          control.type = 'button';
          control.addEventListener('click', () => press(pane, message.id, key.callback_data));
        }
        control.textContent = key.text;
        line.append(control);
      }
      keyboard.append(line);
    }
    li.append(keyboard);
  }
  li.message = message;
  decorate(li, message);
  return li;
}

// The parts of a message that depend on the page language.
function decorate(li, message) {
  const meta = li.querySelector('.meta');
  meta.replaceChildren();
  if (message.protected) {
    const badge = document.createElement('span');
    badge.className = 'badge'; badge.textContent = t('protected'); badge.title = t('protectedHint');
    meta.append(badge);
  }
  if (message.edited) meta.append(Object.assign(document.createElement('span'), { textContent: t('edited') }));
  const time = document.createElement('time');
  time.dateTime = message.sentAt;
  time.textContent = new Date(message.sentAt).toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit' });
  meta.append(time);
  li.querySelector('.keyboard')?.setAttribute('aria-label', t('buttons'));
}

function show(pane, snapshot) {
  const atBottom = pane.log.scrollHeight - pane.log.scrollTop - pane.log.clientHeight < 40;
  const current = new Set(snapshot.messages.map(m => m.id));
  for (const [id, li] of pane.items) {
    if (!current.has(id)) { li.remove(); pane.items.delete(id); }   // deleted messages vanish, as on Telegram
  }
  for (const message of snapshot.messages) {
    const existing = pane.items.get(message.id);
    const signature = JSON.stringify(message);
    if (existing && existing.signature === signature) continue;
    const li = renderMessage(pane, message);
    li.signature = signature;
    if (existing) existing.replaceWith(li); else pane.log.append(li);   // edits apply in place
    pane.items.set(message.id, li);
  }
  for (const answer of snapshot.answers) {
    if (!pane.seenAnswers.has(answer.id)) { pane.seenAnswers.add(answer.id); pane.toast.textContent = answer.text; }
  }
  pane.revision = snapshot.revision;
  if (atBottom) pane.log.scrollTop = pane.log.scrollHeight;
}

async function follow(pane) {
  for (;;) {
    try {
      const query = pane.revision === null ? '' : `?since=${pane.revision}`;
      const snapshot = await api(`/api/panes/${pane.id}/messages${query}`);
      if (snapshot) show(pane, snapshot);
    } catch {
      await new Promise(resolve => setTimeout(resolve, 1000));
    }
  }
}

async function start() {
  const info = await api('/api/panes');
  commands = info.commands;
  const main = document.getElementById('panes');
  for (const { id } of info.panes) main.append(createPane(id).node);
  document.getElementById('lang').addEventListener('click', () => {
    lang = lang === 'ko' ? 'en' : 'ko';
    localStorage.setItem('sandbox.lang', lang);
    applyLanguage();
  });
  document.getElementById('publish').addEventListener('click', async () => {
    const status = document.getElementById('feed-status');
    try {
      const story = await api('/api/feed/publish', {});
      const alerts = commands.includes('review') || commands.includes('subscribe');
      status.textContent = t(alerts ? 'published' : 'publishedNoAlerts', { title: story.title });
    } catch {
      status.textContent = t('failed');
    }
  });
  applyLanguage();
  for (const pane of panes.values()) follow(pane);
  document.body.dataset.ready = 'true';
}

start();
