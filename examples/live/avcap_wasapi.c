/* avcap_wasapi.c - Windows audio back-end for avcap.h: WASAPI capture in
   shared mode from the default capture endpoint, float32 through the audio
   engine's AUTOCONVERTPCM resampler at the wanted rate and channel count,
   event driven. Link -lole32. (Media Foundation cameras are in avcap_mf.c:
   mingw's audioclient.h and mfapi.h cannot share a translation unit.)
   Cross-built in CI with Debian's x86_64-w64-mingw32-gcc; only the file
   sources run there (under wine): this device path compiles but is not
   exercised. */
#if defined(_WIN32)
#define COBJMACROS
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <initguid.h>
#include <audioclient.h>
#include <mmdeviceapi.h>
#include <stdlib.h>
#include <string.h>
#include "avcap.h"

#ifndef AUDCLNT_STREAMFLAGS_AUTOCONVERTPCM
#define AUDCLNT_STREAMFLAGS_AUTOCONVERTPCM 0x80000000
#endif
#ifndef AUDCLNT_STREAMFLAGS_SRC_DEFAULT_QUALITY
#define AUDCLNT_STREAMFLAGS_SRC_DEFAULT_QUALITY 0x08000000
#endif

/* The GUIDs are spelled out (values from the Windows SDK headers) so that
   no uuid import library is needed for them. */
DEFINE_GUID(avcap_CLSID_MMDeviceEnumerator, 0xBCDE0395, 0xE52F, 0x467C, 0x8E, 0x3D, 0xC4, 0x57, 0x92, 0x91, 0x69, 0x2E);
DEFINE_GUID(avcap_IID_IMMDeviceEnumerator, 0xA95664D2, 0x9614, 0x4F35, 0xA7, 0x46, 0xDE, 0x8D, 0xB6, 0x36, 0x17, 0xE6);
DEFINE_GUID(avcap_IID_IAudioClient, 0x1CB9AD4C, 0xDBFA, 0x4C32, 0xB1, 0x78, 0xC2, 0xF5, 0x68, 0xA7, 0x03, 0xB2);
DEFINE_GUID(avcap_IID_IAudioCaptureClient, 0xC8ADBD64, 0xE71E, 0x48A0, 0xA4, 0xDE, 0x18, 0x5C, 0x39, 0x5C, 0xD3, 0x17);
DEFINE_GUID(avcap_KSDATAFORMAT_SUBTYPE_IEEE_FLOAT, 0x00000003, 0x0000, 0x0010, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71);

/* ----------------------------------------------------------- WASAPI */

typedef struct avcap__wasapi {
    IMMDeviceEnumerator *en;
    IMMDevice *dev;
    IAudioClient *client;
    IAudioCaptureClient *cap;
    HANDLE event;
    float *pending;           /* frames received but not yet handed out */
    size_t n_pending, cap_pending;
    int com;
} avcap__wasapi;

static void avcap__wasapi_free(avcap__wasapi *s)
{
    if (s->client) IAudioClient_Stop(s->client);
    if (s->cap) IAudioCaptureClient_Release(s->cap);
    if (s->client) IAudioClient_Release(s->client);
    if (s->dev) IMMDevice_Release(s->dev);
    if (s->en) IMMDeviceEnumerator_Release(s->en);
    if (s->event) CloseHandle(s->event);
    if (s->com) CoUninitialize();
    free(s->pending);
    free(s);
}

int avcap__audio_open_device(avcap_audio *a, int backend, const char *arg, unsigned rate,
                             unsigned channels, unsigned period)
{
    avcap__wasapi *s;
    WAVEFORMATEXTENSIBLE wf;
    REFERENCE_TIME dur = (REFERENCE_TIME)(4.0 * 1e7 * (double)period / (double)rate); /* 100 ns units */
    HRESULT hr;
    (void)arg;
    if (backend != AVCAP_BE_WASAPI) return avcap__error(a->msg, AVCAP_ERR_UNSUPPORTED, "only wasapi: audio on Windows");
    s = (avcap__wasapi *)calloc(1, sizeof *s);
    if (!s) return avcap__error(a->msg, AVCAP_ERR_OPEN, "out of memory");
    hr = CoInitializeEx(NULL, COINIT_MULTITHREADED);
    s->com = SUCCEEDED(hr);
    hr = CoCreateInstance(&avcap_CLSID_MMDeviceEnumerator, NULL, CLSCTX_ALL, &avcap_IID_IMMDeviceEnumerator, (void **)&s->en);
    if (SUCCEEDED(hr)) hr = IMMDeviceEnumerator_GetDefaultAudioEndpoint(s->en, eCapture, eConsole, &s->dev);
    if (SUCCEEDED(hr)) hr = IMMDevice_Activate(s->dev, &avcap_IID_IAudioClient, CLSCTX_ALL, NULL, (void **)&s->client);
    if (FAILED(hr)) {
        avcap__wasapi_free(s);
        return avcap__error(a->msg, AVCAP_ERR_OPEN, "wasapi: no default capture endpoint (0x%08lx)", (unsigned long)hr);
    }
    memset(&wf, 0, sizeof wf);
    wf.Format.wFormatTag = WAVE_FORMAT_EXTENSIBLE;
    wf.Format.nChannels = (WORD)channels;
    wf.Format.nSamplesPerSec = rate;
    wf.Format.wBitsPerSample = 32;
    wf.Format.nBlockAlign = (WORD)(4 * channels);
    wf.Format.nAvgBytesPerSec = rate * wf.Format.nBlockAlign;
    wf.Format.cbSize = sizeof wf - sizeof wf.Format;
    wf.Samples.wValidBitsPerSample = 32;
    wf.dwChannelMask = channels == 2 ? (SPEAKER_FRONT_LEFT | SPEAKER_FRONT_RIGHT) : 0;
    wf.SubFormat = avcap_KSDATAFORMAT_SUBTYPE_IEEE_FLOAT;
    s->event = CreateEventA(NULL, FALSE, FALSE, NULL);
    hr = IAudioClient_Initialize(s->client, AUDCLNT_SHAREMODE_SHARED,
                                 AUDCLNT_STREAMFLAGS_EVENTCALLBACK | AUDCLNT_STREAMFLAGS_AUTOCONVERTPCM |
                                     AUDCLNT_STREAMFLAGS_SRC_DEFAULT_QUALITY,
                                 dur, 0, (WAVEFORMATEX *)&wf, NULL);
    if (SUCCEEDED(hr)) hr = IAudioClient_SetEventHandle(s->client, s->event);
    if (SUCCEEDED(hr)) hr = IAudioClient_GetService(s->client, &avcap_IID_IAudioCaptureClient, (void **)&s->cap);
    if (SUCCEEDED(hr)) hr = IAudioClient_Start(s->client);
    if (FAILED(hr)) {
        avcap__wasapi_free(s);
        return avcap__error(a->msg, AVCAP_ERR_OPEN, "wasapi: %u Hz x %u float refused (0x%08lx)", rate, channels,
                            (unsigned long)hr);
    }
    a->rate = rate;
    a->channels = channels;
    a->impl = s;
    return AVCAP_OK;
}

/* Waits for the next packet(s), appends them to pending, hands out up to
   `frames`. Silent packets (AUDCLNT_BUFFERFLAGS_SILENT) become zeros. */
int avcap__audio_read_device(avcap_audio *a, float *buf, size_t frames, size_t *got)
{
    avcap__wasapi *s = (avcap__wasapi *)a->impl;
    size_t ch = a->channels;
    while (s->n_pending == 0) {
        UINT32 n = 0;
        if (WaitForSingleObject(s->event, 2000) != WAIT_OBJECT_0)
            return avcap__error(a->msg, AVCAP_ERR_IO, "wasapi: no audio for 2 s");
        while (SUCCEEDED(IAudioCaptureClient_GetNextPacketSize(s->cap, &n)) && n > 0) {
            BYTE *data;
            DWORD flags;
            UINT32 nf;
            if (FAILED(IAudioCaptureClient_GetBuffer(s->cap, &data, &nf, &flags, NULL, NULL)))
                return avcap__error(a->msg, AVCAP_ERR_IO, "wasapi: GetBuffer failed");
            if (s->n_pending + nf > s->cap_pending) {
                size_t cap = (s->n_pending + nf) * 2;
                float *p = (float *)realloc(s->pending, cap * ch * sizeof *p);
                if (!p) return avcap__error(a->msg, AVCAP_ERR_IO, "out of memory");
                s->pending = p;
                s->cap_pending = cap;
            }
            if (flags & AUDCLNT_BUFFERFLAGS_SILENT) memset(s->pending + s->n_pending * ch, 0, nf * ch * sizeof(float));
            else memcpy(s->pending + s->n_pending * ch, data, nf * ch * sizeof(float));
            s->n_pending += nf;
            IAudioCaptureClient_ReleaseBuffer(s->cap, nf);
        }
    }
    *got = s->n_pending < frames ? s->n_pending : frames;
    memcpy(buf, s->pending, *got * ch * sizeof *buf);
    memmove(s->pending, s->pending + *got * ch, (s->n_pending - *got) * ch * sizeof *buf);
    s->n_pending -= *got;
    return AVCAP_OK;
}

void avcap__audio_close_device(avcap_audio *a)
{
    avcap__wasapi_free((avcap__wasapi *)a->impl);
}

#else
typedef int avcap_wasapi_unused; /* ISO C: a translation unit is not empty */
#endif /* _WIN32 */
