/*
 * A stand-in for Office.js in the browser tests: just enough of Outlook's compose-mode API for Probity's handler
 * and task pane, with async callbacks like the real thing, and a test hook (window.__outlook) to set the message
 * being written, fire an event, and read what the add-in did (event.completed options, notification bar).
 * Written in ES5 on purpose: it stands in for something the page did not compile.
 */
(function () {
  var handlers = {};
  var state = { spec: null, session: {}, notifications: {}, mailboxVersion: '1.14', roaming: {}, token: null, signInError: 13001, tokenRequests: [] };

  function later(callback, result) {
    if (typeof callback === 'function') setTimeout(function () { callback(result); }, 0);
  }
  function ok(value) { return { status: 'succeeded', value: value }; }
  function failed(message) { return { status: 'failed', value: undefined, error: { message: message, code: 9000 } }; }
  function lastFunction(args) {
    for (var i = args.length - 1; i >= 0; i--) if (typeof args[i] === 'function') return args[i];
    return null;
  }
  function details(addresses) {
    return (addresses || []).map(function (a) { return { emailAddress: a, displayName: a.split('@')[0] }; });
  }
  function recipients(field) {
    return { getAsync: function () { later(lastFunction(arguments), ok(details(state.spec[field]))); } };
  }

  function makeItem() {
    return {
      itemType: 'message',
      subject: { getAsync: function () { later(lastFunction(arguments), ok(state.spec.subject || '')); } },
      body: {
        getAsync: function (coercionType) {
          var callback = lastFunction(arguments);
          if (coercionType !== 'text') return later(callback, failed('only text in this stand-in'));
          later(callback, ok(state.spec.body || ''));
        },
      },
      to: recipients('to'),
      cc: recipients('cc'),
      bcc: recipients('bcc'),
      from: { getAsync: function () { later(lastFunction(arguments), ok({ emailAddress: state.spec.from, displayName: 'Sender' })); } },
      sessionData: {
        getAsync: function (name, callback) {
          later(callback, Object.prototype.hasOwnProperty.call(state.session, name) ? ok(state.session[name]) : failed('not found'));
        },
        setAsync: function (name, value, callback) { state.session[name] = String(value); later(callback, ok(undefined)); },
      },
      notificationMessages: {
        replaceAsync: function (key, detailsObject) {
          state.notifications[key] = detailsObject;
          later(lastFunction(arguments), ok(undefined));
        },
        removeAsync: function (key) {
          delete state.notifications[key];
          later(lastFunction(arguments), ok(undefined));
        },
      },
    };
  }

  function versionAtLeast(have, want) {
    var a = String(have).split('.'), b = String(want || '1.1').split('.');
    for (var i = 0; i < Math.max(a.length, b.length); i++) {
      var x = Number(a[i] || 0), y = Number(b[i] || 0);
      if (x !== y) return x > y;
    }
    return true;
  }

  window.Office = {
    // Office single sign-on: the token the test signed this user in with (a real one, from the test's provider).
    auth: {
      getAccessToken: function (options) {
        state.tokenRequests.push(options || {});
        if (state.token) return Promise.resolve(state.token);
        return Promise.reject({ code: state.signInError, name: 'SSO error', message: 'no sign-in in this stand-in' });
      },
    },
    actions: { associate: function (name, fn) { handlers[name] = fn; } },
    onReady: function (callback) {
      return new Promise(function (resolve) {
        setTimeout(function () {
          var info = { host: 'Outlook', platform: 'OfficeOnline' };
          if (callback) callback(info);
          resolve(info);
        }, 0);
      });
    },
    context: {
      mailbox: { item: null, userProfile: { emailAddress: 'someone@ashcombe.gov.uk' } },
      requirements: { isSetSupported: function (name, version) { return name === 'Mailbox' && versionAtLeast(state.mailboxVersion, version); } },
      roamingSettings: { get: function (name) { return state.roaming[name]; } },
    },
    AsyncResultStatus: { Succeeded: 'succeeded', Failed: 'failed' },
    CoercionType: { Text: 'text', Html: 'html' },
    MailboxEnums: {
      SendModeOverride: { PromptUser: 'promptUser' },
      ItemNotificationMessageType: { InformationalMessage: 'informationalMessage', ErrorMessage: 'errorMessage', ProgressIndicator: 'progressIndicator' },
    },
  };

  window.__outlook = {
    compose: function (spec) {
      state.spec = spec;
      state.session = {};
      state.notifications = {};
      window.Office.context.mailbox.item = makeItem();
    },
    edit: function (changes) {
      for (var key in changes) if (Object.prototype.hasOwnProperty.call(changes, key)) state.spec[key] = changes[key];
    },
    mailboxVersion: function (version) { state.mailboxVersion = version; },
    signIn: function (token) { state.token = token; },
    signInFails: function (code) { state.token = null; state.signInError = code; },
    tokenRequests: function () { return JSON.parse(JSON.stringify(state.tokenRequests)); },
    handlers: function () { return Object.keys(handlers).sort(); },
    fire: function (name) {
      return new Promise(function (resolve, reject) {
        var calls = [];
        var event = {
          completed: function (options) {
            calls.push(options === undefined ? null : options);
            // A second call would be a bug in the handler: report it.
            setTimeout(function () { resolve({ options: calls[0], calls: calls.length }); }, 50);
          },
        };
        if (!handlers[name]) return reject(new Error('no handler registered for ' + name));
        handlers[name](event);
      });
    },
    notifications: function () { return JSON.parse(JSON.stringify(state.notifications)); },
  };
})();
