// webrtc-demo's page logic. Signalling goes over ws://<this host>/ws, one
// text frame per message: the first line is the kind, the rest its payload
//   offer\n<SDP>          from the pipeline (it always offers)
//   answer\n<SDP>         ours
//   candidate\n<M>\n<C>   both ways: C = "candidate:..." for m-line M,
//                         empty C = end-of-candidates
//   error\n<text>         from the pipeline: its session failed
// Incoming messages are applied one at a time, in order; our candidates
// wait until our answer is sent.
//
// `app.status()` is what the page shows, for tests (tests/check/browser/
// test_browser_demo.py reads it over the DevTools protocol).
'use strict';

const app = (() => {
  const $ = (id) => document.getElementById(id);
  const shown = {connectionState: 'new', signaling: 'connecting', camera: 'asking', messages: [], errors: []};
  let pc = null;
  let ws = null;
  let channel = null;
  let local = null;
  let tracksAdded = false;
  let answered = false;
  const heldCandidates = [];
  let chain = Promise.resolve();

  function log(text, cls) {
    shown.messages.push(text);
    const li = document.createElement('li');
    li.textContent = text;
    if (cls)
      li.className = cls;
    $('log').appendChild(li);
    $('log').scrollTop = $('log').scrollHeight;
  }

  function fail(where, e) {
    const text = `${where}: ${e && e.name ? e.name + ': ' : ''}${e && e.message ? e.message : e}`;
    shown.errors.push(text);
    log(text, 'error');
  }

  function setState(text) {
    shown.connectionState = text;
    $('state').textContent = text;
  }

  function send(kind, payload) {
    if (ws && ws.readyState === WebSocket.OPEN)
      ws.send(`${kind}\n${payload}`);
  }

  function sendCandidate(c) {
    const msg = c && c.candidate ? `${c.sdpMLineIndex || 0}\n${c.candidate}` : '0\n';
    if (answered)
      send('candidate', msg);
    else
      heldCandidates.push(msg);
  }

  function useChannel(dc) {
    channel = dc;
    dc.onopen = () => {
      $('text').disabled = false;
      $('send').disabled = false;
      log('(data channel open)');
    };
    dc.onclose = () => {
      $('text').disabled = true;
      $('send').disabled = true;
      log('(data channel closed)');
    };
    dc.onmessage = (e) => log(typeof e.data === 'string' ? e.data : `(${e.data.byteLength} bytes)`);
  }

  async function handle(text) {
    const nl = text.indexOf('\n');
    const kind = nl < 0 ? text : text.slice(0, nl);
    const payload = nl < 0 ? '' : text.slice(nl + 1);
    if (kind === 'offer') {
      answered = false;
      await pc.setRemoteDescription({type: 'offer', sdp: payload});
      // addTrack takes the offer's audio and video transceivers: the
      // answer sends the camera and the microphone on them.
      if (local && !tracksAdded) {
        for (const track of local.getTracks())
          pc.addTrack(track, local);
        tracksAdded = true;
      }
      await pc.setLocalDescription(await pc.createAnswer());
      send('answer', pc.localDescription.sdp);
      answered = true;
      for (const c of heldCandidates.splice(0))
        send('candidate', c);
    } else if (kind === 'candidate') {
      const nl2 = payload.indexOf('\n');
      const mline = Number(nl2 < 0 ? payload : payload.slice(0, nl2));
      const candidate = nl2 < 0 ? '' : payload.slice(nl2 + 1);
      await pc.addIceCandidate({candidate, sdpMLineIndex: mline});
    } else if (kind === 'error') {
      fail('pipeline', payload);
    } else {
      fail('signalling', `unknown message kind "${kind}"`);
    }
  }

  async function start() {
    // Without a camera (none, refused, or not a secure origin) the page
    // still receives the pipeline's media and the channel.
    try {
      local = await navigator.mediaDevices.getUserMedia({video: true, audio: true});
      shown.camera = 'sending';
      $('self').srcObject = local;
    } catch (e) {
      shown.camera = `not available (${e && e.name ? e.name : e}), receiving only`;
    }
    $('camera').textContent = shown.camera;

    pc = new RTCPeerConnection();
    pc.onconnectionstatechange = () => setState(pc.connectionState);
    pc.onicecandidate = (e) => sendCandidate(e.candidate);
    pc.ontrack = (e) => {
      const video = $('remote');
      if (!video.srcObject)
        video.srcObject = new MediaStream();
      video.srcObject.addTrack(e.track);
    };
    pc.ondatachannel = (e) => useChannel(e.channel);

    ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
    ws.onopen = () => {
      shown.signaling = 'open';
      setState('waiting for the offer');
    };
    ws.onmessage = (e) => {
      chain = chain.then(() => handle(e.data)).catch((err) => fail('signalling', err));
    };
    ws.onclose = () => {
      shown.signaling = 'closed';
      if (pc.connectionState !== 'connected')
        setState(`signalling closed (${pc.connectionState})`);
    };
  }

  $('form').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = $('text').value;
    if (!channel || channel.readyState !== 'open')
      return;
    channel.send(text);
    log(`me: ${text}`, 'me');
    $('text').value = '';
  });

  start().catch((e) => fail('start', e));

  return {
    async status() {
      const video = $('remote');
      let framesDecoded = 0;
      if (pc) {
        (await pc.getStats()).forEach((r) => {
          if (r.type === 'inbound-rtp' && r.kind === 'video')
            framesDecoded += r.framesDecoded || 0;
        });
      }
      return Object.assign({}, shown, {
        framesDecoded,
        videoTime: video.currentTime,
        videoWidth: video.videoWidth,
        videoHeight: video.videoHeight,
        log: Array.from($('log').children).map((li) => li.textContent),
        channelState: channel ? channel.readyState : 'none',
      });
    },
  };
})();
