// Clicks through the sandbox page in Debian's Chromium: node sandbox.spec.mjs <page url> <screenshot path>.
// Family, on a phone-wide page: /start → 한국어 → register with buttons → token → /cases, and no button label may be
// cut off. Caseworker (/case, /status), admin (/broadcast) and news alert (Publish a border story → /review → Approve
// → the family's Show) steps run only when the bot has those commands.
// Prints one JSON line naming the steps that ran.
import { chromium } from 'playwright-core';

const [url, screenshotPath] = process.argv.slice(2);
if (!url || !screenshotPath) {
  console.error('usage: node sandbox.spec.mjs <url> <screenshot path>');
  process.exit(2);
}

// A Korean family gets seven Korean words; English and Chinese families get the FL- form.
const TOKEN = /FL-[0-9A-HJKMNP-TV-Z]{4}(?:-[0-9A-HJKMNP-TV-Z]{4}){3}|(?<=[:：] )(?:[가-힣]{2,3} ){6}[가-힣]{2,3}(?![가-힣])/;
const steps = [];
const offHost = [];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});

try {
  const page = await browser.newPage({ viewport: { width: 1500, height: 950 }, locale: 'en-US' });
  page.setDefaultTimeout(20_000);
  page.on('request', request => {
    const host = new URL(request.url()).hostname;
    if (host !== '127.0.0.1') offHost.push(host);
  });

  const pane = id => page.locator(`#pane-${id}`);
  const lastBot = id => pane(id).locator('li.msg.bot').last();
  const botCount = id => pane(id).locator('li.msg.bot').count();
  const type = async (id, text) => {
    await pane(id).locator('input').fill(text);
    await pane(id).locator('input').press('Enter');
  };
  // The newest bot message must show the button: an older menu's button of the same name is never pressed.
  const press = (id, label) => lastBot(id).getByRole('button', { name: label, exact: true }).click();
  const waitForBotText = (id, pattern) =>
    pane(id).locator('li.msg.bot', { hasText: pattern }).last().waitFor();
  // Every button label shown in the pane must fit its button (the page cuts labels off with an ellipsis, as Telegram does).
  const assertNoClippedLabels = async (id, atLeast) => {
    const buttons = await pane(id).locator('.keyboard button').evaluateAll(all => all.map(b => ({
      text: b.textContent, fits: b.scrollWidth <= b.clientWidth, width: b.clientWidth })));
    const clipped = buttons.filter(b => !b.fits);
    if (buttons.length < atLeast) throw new Error(`Only ${buttons.length} buttons in the ${id} pane; expected at least ${atLeast}.`);
    if (clipped.length) throw new Error('Button labels cut off: ' + clipped.map(b => `"${b.text}" (${b.width}px)`).join(', '));
    return buttons.length;
  };

  await page.goto(url);
  await page.locator('body[data-ready="true"]').waitFor();
  const { commands } = await (await page.request.get(new URL('/api/panes', url).href)).json();
  steps.push('page');

  // A phone's width (the panes stack below 900 px): what families see in Telegram on their phones.
  await page.setViewportSize({ width: 390, height: 844 });
  await type('family', '/start');
  await press('family', '한국어');
  await press('family', '새로 등록하기');
  await press('family', '자녀');
  await press('family', '건너뛰기');
  await press('family', '지린(길림)');
  await press('family', '건너뛰기');
  await press('family', '모름');
  await press('family', '등록하기');
  await waitForBotText('family', TOKEN);
  const token = (await pane('family').locator('li.msg.bot', { hasText: TOKEN }).last().innerText()).match(TOKEN)[0];
  if (!(await pane('family').locator('li.msg.bot.protected', { hasText: TOKEN }).count())) {
    throw new Error('The token message is not marked as protected.');
  }
  steps.push('family-register');
  const registerButtons = await assertNoClippedLabels('family', 20);
  await type('family', '/cases');
  await waitForBotText('family', '내 등록 목록');
  await lastBot('family').getByRole('button', { name: '담당자 연락', exact: true }).waitFor();
  const casesButtons = await assertNoClippedLabels('family', registerButtons + 3);
  steps.push('family-cases', `buttons-fit:${casesButtons}`);
  await page.setViewportSize({ width: 1500, height: 950 });

  if (commands.includes('case') && commands.includes('status')) {
    await type('caseworker', '/start');
    await press('caseworker', 'English');
    await type('caseworker', `/case ${token}`);
    await waitForBotText('caseworker', /Case/);
    steps.push('caseworker-case');
    const before = await botCount('family');
    await type('caseworker', `/status ${token} located Seen in Tumen`);
    await page.waitForFunction(
      ([selector, count]) => document.querySelectorAll(selector).length > count,
      ['#pane-family li.msg.bot', before]);
    steps.push('caseworker-status', 'family-notice');
  }

  if (commands.includes('broadcast')) {
    await type('admin', '/start');
    await press('admin', 'English');
    await type('admin', '/broadcast');
    await waitForBotText('admin', /announcement/i);
    await type('admin', 'Sandbox announcement: the office is open on Saturday.');
    await press('admin', 'Everyone');
    await press('admin', 'Send');
    await waitForBotText('family', /office is open on Saturday/);
    steps.push('admin-broadcast');
  }

  if (commands.includes('review')) {
    // News alerts (docs/DESIGN.md#7-news-alerts, docs/DESIGN.md#11-sandbox): the family registered a case in Jilin, so a Jilin story reaches it once the admin
    // approves it; discreet notifications are on by default, so it comes as a neutral line until Show.
    if (!commands.includes('broadcast')) {
      await type('admin', '/start');
      await press('admin', 'English');
    }
    const neutral = pane('family').locator('li.msg.bot', { hasText: /새 소식이 있어요/ });
    const before = await neutral.count();
    await page.getByRole('button', { name: 'Publish a border story' }).click();
    await waitForBotText('admin', /\/review/);
    await type('admin', '/review');
    await press('admin', 'Approve');
    await page.waitForFunction(
      ([selector, count]) => [...document.querySelectorAll(selector)].filter(e => e.innerText.includes('새 소식이 있어요')).length > count,
      ['#pane-family li.msg.bot', before]);
    const notice = neutral.last();
    if (/훈춘|탈북|북송/.test(await notice.innerText())) throw new Error('The discreet alert shows the story before Show.');
    await notice.getByRole('button', { name: '보기', exact: true }).click();
    await waitForBotText('family', /훈춘에서 탈북민 강제북송 우려/);
    steps.push('feed-alert');
  }

  if (offHost.length) throw new Error('The page made requests off 127.0.0.1: ' + [...new Set(offHost)].join(', '));
  await page.screenshot({ path: screenshotPath, fullPage: true });
  console.log(JSON.stringify({ ok: true, steps }));
} catch (error) {
  console.log(JSON.stringify({ ok: false, steps, error: String(error?.message ?? error).slice(0, 2000) }));
  process.exitCode = 1;
} finally {
  await browser.close();
}
