// The browser side of the interop tests: one RTCPeerConnection whose
// signalling goes through the test's HTTP server on 127.0.0.1:
//   POST /signal/<session>           a message from this page to rtcpeerbin
//   GET  /signal/<session>?after=N   long poll: the messages from rtcpeerbin
//                                    numbered N and later
// Messages: {type: "offer"|"answer", sdp} and
// {type: "candidate", candidate, sdpMLineIndex, sdpMid} ("" = end of
// candidates). Incoming messages are applied one at a time, in order; our
// own are posted one at a time, in order, so a candidate never overtakes
// the description it belongs to.
//
// The test drives `app` through Runtime.evaluate (DevTools) and reads back
// what a web application would see: states, channel events, messages, and
// for media (test_browser_media.py) the received tracks playing in
// <video>/<audio> elements and getStats() inbound-/outbound-rtp with codecs.
'use strict';

const app = (() => {
  const session = new URLSearchParams(location.search).get('session');
  const url = `/signal/${session}`;
  let pc = null;
  let trickle = true;
  let postChain = Promise.resolve();
  const channels = {};   // label -> RTCDataChannel
  const channelLog = {}; // label -> {events: [...], messages: [...]}
  const history = {connection: [], ice: [], signaling: [], gathering: []};
  const counts = {candidatesSent: 0, candidatesAdded: 0, endOfCandidatesAdded: 0,
                  candidatesInRemoteSdp: 0, descriptionsSent: 0, descriptionsApplied: 0};
  const errors = [];
  const remoteChannels = [];
  // Media (issue 7): tracks the page received (W3C track event), each
  // played by a muted <video>/<audio> element as a web app would (Chromium
  // pulls decoded audio only for a playing element), and local tracks from
  // getUserMedia (--use-fake-device-for-media-stream: a test pattern and a
  // beep).
  const remoteTracks = [];  // {kind, id, mid, streams, ended, element}
  const localTracks = [];

  function fail(where, e) {
    errors.push(`${where}: ${e && e.name ? e.name + ': ' : ''}${e && e.message ? e.message : e}`);
  }
  window.addEventListener('error', (e) => fail('window.onerror', e.message));
  window.addEventListener('unhandledrejection', (e) => fail('unhandled rejection', e.reason));

  function post(msg) {
    postChain = postChain.then(async () => {
      const r = await fetch(url, {method: 'POST', body: JSON.stringify(msg),
                                  headers: {'Content-Type': 'application/json'}});
      if (!r.ok)
        fail('post', `HTTP ${r.status}`);
    }).catch((e) => fail('post', e));
    return postChain;
  }

  function toB64(buf) {
    const bytes = new Uint8Array(buf);
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000)
      s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(s);
  }

  function fromB64(b64) {
    const s = atob(b64);
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++)
      out[i] = s.charCodeAt(i);
    return out;
  }

  function watch(dc) {
    dc.binaryType = 'arraybuffer';
    channels[dc.label] = dc;
    const log = channelLog[dc.label] = {events: [], messages: []};
    for (const ev of ['open', 'closing', 'close'])
      dc.addEventListener(ev, () => log.events.push(ev));
    dc.addEventListener('error', (e) => log.events.push(`error: ${e.error ? e.error.message : ''}`));
    dc.addEventListener('message', (e) => {
      if (typeof e.data === 'string')
        log.messages.push({string: e.data});
      else
        log.messages.push({b64: toB64(e.data)});
    });
  }

  async function sendDescription() {
    if (!trickle && pc.iceGatheringState !== 'complete') {
      await new Promise((resolve) => {
        const check = () => {
          if (pc.iceGatheringState === 'complete') {
            pc.removeEventListener('icegatheringstatechange', check);
            resolve();
          }
        };
        pc.addEventListener('icegatheringstatechange', check);
        check();
      });
    }
    const d = pc.localDescription;
    counts.descriptionsSent++;
    await post({type: d.type, sdp: d.sdp});
  }

  async function apply(msg) {
    if (msg.type === 'offer' || msg.type === 'answer') {
      counts.candidatesInRemoteSdp += (msg.sdp.match(/^a=candidate:/mg) || []).length;
      await pc.setRemoteDescription({type: msg.type, sdp: msg.sdp});
      counts.descriptionsApplied++;
      if (msg.type === 'offer') {
        await pc.setLocalDescription(await pc.createAnswer());
        await sendDescription();
      }
    } else if (msg.type === 'candidate') {
      const init = {candidate: msg.candidate, sdpMLineIndex: msg.sdpMLineIndex};
      if (msg.sdpMid !== undefined && msg.sdpMid !== null)
        init.sdpMid = msg.sdpMid;
      await pc.addIceCandidate(init);
      if (msg.candidate)
        counts.candidatesAdded++;
      else
        counts.endOfCandidatesAdded++;
    } else {
      fail('signalling', `unknown message ${JSON.stringify(msg)}`);
    }
  }

  async function pollLoop() {
    let next = 0;
    while (pc) {
      let reply;
      try {
        const r = await fetch(`${url}?after=${next}`);
        reply = await r.json();
      } catch (e) {
        if (pc)
          fail('poll', e);
        return;
      }
      for (const msg of reply.messages) {
        try {
          await apply(msg);
        } catch (e) {
          fail(`applying ${msg.type}`, e);
        }
      }
      next = reply.next;
    }
  }

  return {
    start(opts = {}) {
      trickle = opts.trickle !== false;
      pc = new RTCPeerConnection({iceServers: []});
      pc.addEventListener('connectionstatechange', () => history.connection.push(pc.connectionState));
      pc.addEventListener('iceconnectionstatechange', () => history.ice.push(pc.iceConnectionState));
      pc.addEventListener('signalingstatechange', () => history.signaling.push(pc.signalingState));
      pc.addEventListener('icegatheringstatechange', () => history.gathering.push(pc.iceGatheringState));
      pc.addEventListener('icecandidate', (e) => {
        if (!trickle)
          return;
        // null: gathering finished; sent as the W3C end-of-candidates "".
        const c = e.candidate;
        if (c && !c.candidate)
          return; // the legacy empty candidate; the null event follows
        if (c)
          counts.candidatesSent++;
        post({type: 'candidate', candidate: c ? c.candidate : '',
              sdpMLineIndex: c ? c.sdpMLineIndex : 0, sdpMid: c ? c.sdpMid : null});
      });
      pc.addEventListener('track', (e) => {
        const t = e.track;
        const el = document.createElement(t.kind === 'video' ? 'video' : 'audio');
        // Audio plays unmuted (the test browser's autoplay policy lets it):
        // Chromium measures inbound audioLevel after the element's volume.
        el.muted = t.kind === 'video';
        el.autoplay = true;
        el.playsInline = true;
        el.srcObject = new MediaStream([t]);
        document.body.appendChild(el);
        el.play().catch((err) => fail(`play ${t.kind}`, err));
        const rec = {kind: t.kind, id: t.id, mid: e.transceiver ? e.transceiver.mid : null,
                     streams: e.streams.map((m) => m.id), ended: false, element: el};
        t.addEventListener('ended', () => { rec.ended = true; });
        remoteTracks.push(rec);
      });
      pc.addEventListener('datachannel', (e) => {
        remoteChannels.push(e.channel.label);
        watch(e.channel);
      });
      pollLoop();
      return true;
    },
    createChannel(label, init = {}) {
      watch(pc.createDataChannel(label, init));
      return true;
    },
    async offer(options = {}) {
      await pc.setLocalDescription(await pc.createOffer(options));
      await sendDescription();
      return true;
    },
    async restartIce() {
      pc.restartIce();
      return this.offer();
    },
    // items: [{string: s} | {b64: bytes}], sent in order.
    send(label, items) {
      const dc = channels[label];
      for (const it of items)
        dc.send('string' in it ? it.string : fromB64(it.b64));
      return dc.bufferedAmount;
    },
    // The transport's selected candidate pair as getStats() reports it.
    async selectedPair() {
      const stats = await pc.getStats();
      let pair = null;
      stats.forEach((s) => {
        if (s.type === 'transport' && s.selectedCandidatePairId)
          pair = stats.get(s.selectedCandidatePairId);
      });
      if (!pair)
        return null;
      const side = (c) => c && {address: c.address, port: c.port, protocol: c.protocol,
                                candidateType: c.candidateType, usernameFragment: c.usernameFragment};
      return {state: pair.state, local: side(stats.get(pair.localCandidateId)),
              remote: side(stats.get(pair.remoteCandidateId))};
    },
    messages(label, from = 0) {
      const log = channelLog[label];
      return log ? log.messages.slice(from) : [];
    },
    closeChannel(label) {
      channels[label].close();
      return true;
    },
    close() {
      const p = pc;
      pc = null;
      p.close();
      // close() fires no state events; what a page reads after it:
      history.connection.push(p.connectionState);
      return p.connectionState;
    },
    // --- media -----------------------------------------------------------------
    // W3C addTransceiver(kind, {direction}); returns its index.
    addTransceiver(kind, direction = 'sendrecv') {
      pc.addTransceiver(kind, {direction});
      return pc.getTransceivers().length - 1;
    },
    // The fake camera / microphone (getUserMedia) added with addTrack.
    async addUserMedia(constraints = {audio: true, video: true}) {
      const stream = await navigator.mediaDevices.getUserMedia(constraints);
      for (const t of stream.getTracks()) {
        pc.addTrack(t, stream);
        localTracks.push(t);
      }
      return stream.getTracks().map((t) => ({kind: t.kind, label: t.label, settings: t.getSettings()}));
    },
    // The fake camera sent as simulcast: addTransceiver(track, {sendEncodings})
    // with one encoding per rid, the last full size and each before it half
    // the next (Chromium's lowest-first order).
    async addSimulcastCamera(rids, constraints = {width: 640, height: 480}) {
      const stream = await navigator.mediaDevices.getUserMedia({video: constraints});
      const track = stream.getVideoTracks()[0];
      localTracks.push(track);
      const sendEncodings = rids.map((rid, i) => ({rid, scaleResolutionDownBy: 2 ** (rids.length - 1 - i)}));
      pc.addTransceiver(track, {direction: 'sendonly', streams: [stream], sendEncodings});
      return sendEncodings;
    },
    // RTCRtpReceiver.getSynchronizationSources() of the receivers of `kind`:
    // the audio level there is the sender's RFC 6464 header extension.
    syncSources(kind) {
      const out = [];
      for (const r of pc.getReceivers()) {
        if (r.track && r.track.kind === kind)
          for (const s of r.getSynchronizationSources())
            out.push({source: s.source, audioLevel: s.audioLevel, voiceActivityFlag: s.voiceActivityFlag});
      }
      return out;
    },
    // What this Chromium can receive: RTCRtpReceiver.getCapabilities().
    receiveCodecs(kind) {
      const caps = RTCRtpReceiver.getCapabilities(kind);
      return caps ? caps.codecs.map((c) => ({mimeType: c.mimeType, sdpFmtpLine: c.sdpFmtpLine || ''})) : [];
    },
    // What this Chromium can send: RTCRtpSender.getCapabilities().
    sendCodecs(kind) {
      const caps = RTCRtpSender.getCapabilities(kind);
      return caps ? caps.codecs.map((c) => ({mimeType: c.mimeType, sdpFmtpLine: c.sdpFmtpLine || ''})) : [];
    },
    // setCodecPreferences on every transceiver of `kind`: only the codecs
    // of `mimeType` whose fmtp contains `fmtp` (and RTX), in Chromium's
    // order; returns the list set.
    preferCodec(kind, mimeType, fmtp = '') {
      const all = RTCRtpReceiver.getCapabilities(kind).codecs;
      const want = all.filter((c) => c.mimeType.toLowerCase() === mimeType.toLowerCase() &&
                                     (c.sdpFmtpLine || '').includes(fmtp));
      const prefs = want.concat(all.filter((c) => c.mimeType.toLowerCase() === `${kind}/rtx`));
      for (const t of pc.getTransceivers()) {
        if (t.receiver.track && t.receiver.track.kind === kind)
          t.setCodecPreferences(prefs);
      }
      return prefs.map((c) => `${c.mimeType} ${c.sdpFmtpLine || ''}`);
    },
    transceivers() {
      return pc.getTransceivers().map((t) => ({
        mid: t.mid, direction: t.direction, currentDirection: t.currentDirection,
        receiverKind: t.receiver.track ? t.receiver.track.kind : null,
        sending: !!t.sender.track}));
    },
    // inbound-rtp / outbound-rtp stats with their codec, per kind and mid
    // (what webrtc-internals shows a user).
    async rtpStats() {
      const stats = await pc.getStats();
      const out = {inbound: [], outbound: []};
      const codec = (id) => {
        const c = id && stats.get(id);
        return c ? {mimeType: c.mimeType, payloadType: c.payloadType, sdpFmtpLine: c.sdpFmtpLine || ''} : null;
      };
      const keys = ['kind', 'mid', 'ssrc', 'packetsReceived', 'packetsLost', 'bytesReceived',
                    'framesDecoded', 'framesReceived', 'keyFramesDecoded', 'frameWidth', 'frameHeight',
                    'framesPerSecond', 'totalSamplesReceived', 'concealedSamples', 'audioLevel',
                    'decoderImplementation', 'nackCount', 'pliCount', 'firCount',
                    'packetsSent', 'bytesSent', 'framesEncoded', 'framesSent', 'retransmittedPacketsSent',
                    'encoderImplementation'];
      stats.forEach((s) => {
        if (s.type !== 'inbound-rtp' && s.type !== 'outbound-rtp')
          return;
        const o = {codec: codec(s.codecId)};
        for (const k of keys) {
          if (s[k] !== undefined)
            o[k] = s[k];
        }
        out[s.type === 'inbound-rtp' ? 'inbound' : 'outbound'].push(o);
      });
      return out;
    },
    // The received tracks and what their elements show.
    tracks() {
      return remoteTracks.map((r) => ({
        kind: r.kind, id: r.id, mid: r.mid, streams: r.streams, ended: r.ended,
        readyState: r.element.srcObject.getTracks()[0].readyState,
        width: r.kind === 'video' ? r.element.videoWidth : undefined,
        height: r.kind === 'video' ? r.element.videoHeight : undefined,
        currentTime: r.element.currentTime, paused: r.element.paused}));
    },
    status() {
      const chans = {};
      for (const [label, dc] of Object.entries(channels))
        chans[label] = {readyState: dc.readyState, id: dc.id, events: channelLog[label].events.slice(),
                        received: channelLog[label].messages.length, ordered: dc.ordered,
                        maxRetransmits: dc.maxRetransmits, maxPacketLifeTime: dc.maxPacketLifeTime,
                        protocol: dc.protocol, negotiated: dc.negotiated};
      return {
        connectionState: pc ? pc.connectionState : 'closed',
        iceConnectionState: pc ? pc.iceConnectionState : 'closed',
        signalingState: pc ? pc.signalingState : 'closed',
        iceGatheringState: pc ? pc.iceGatheringState : 'complete',
        localSdp: pc && pc.localDescription ? pc.localDescription.sdp : null,
        remoteSdp: pc && pc.remoteDescription ? pc.remoteDescription.sdp : null,
        history, counts, errors, remoteChannels, channels: chans,
        tracks: remoteTracks.length, localTracks: localTracks.length,
      };
    },
  };
})();
