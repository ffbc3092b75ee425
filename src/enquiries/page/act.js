// A reminder's one-click link: the signed token names the enquiry and the action; one press confirms it (a link
// checker that follows the URL does not act). Text from the server is set with textContent.
const $ = (id) => document.getElementById(id);
const t = new URLSearchParams(location.search).get('t') ?? '';
let action;
try {
  action = JSON.parse(atob(t.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).action;
} catch {
  action = '';
}
if (!action) {
  $('what').textContent = 'This link is not complete. Open it from the reminder again.';
} else {
  $('what').textContent = action === 'acknowledge' ? 'Acknowledge this enquiry? The councillor will see that it has been received.' : 'Mark this enquiry answered? Do this once you have sent the substantive response.';
  $('go').textContent = action === 'acknowledge' ? 'Acknowledge' : 'Mark answered';
  $('go').hidden = false;
}
$('go').addEventListener('click', async () => {
  $('go').disabled = true;
  const res = await fetch('/v1/enquiries/act', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ t }) });
  const data = await res.json().catch(() => ({}));
  if (res.ok) {
    $('result').textContent = `Done. ${data.enquiry.subject}: ${data.enquiry.state}`;
    $('go').hidden = true;
  } else {
    $('result').textContent = data.message ?? `That did not work (${res.status}).`;
    $('go').disabled = false;
  }
});
